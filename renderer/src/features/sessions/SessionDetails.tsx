import type { SessionSnapshot, ToolCallRecord } from '../../../../shared/types/session';

import { StatusPill, type Tone } from '../../components/StatusPill';
import { formatAgo, formatClock, formatMs, formatNumber } from '../../lib/format';

const callTone: Record<ToolCallRecord['status'], Tone> = { running: 'info', ok: 'ok', error: 'danger', denied: 'warn', cancelled: 'muted' };

function shortArgs(args: Record<string, unknown>): string {
  const text = Object.entries(args)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
  return text.length > 140 ? `${text.slice(0, 137)}…` : text || '—';
}

/** A session's details: identity, connection, usage, and its recent tool calls (redacted arguments; never conversation text). */
export function SessionDetails({ session, now }: { session: SessionSnapshot; now: number }) {
  const usage = session.stats.usage;
  return (
    <div className="session-details" data-testid="session-details">
      <div className="details-grid">
        <dl>
          <dt>Session</dt>
          <dd className="mono">{session.id}</dd>
          <dt>Organization</dt>
          <dd>
            {session.org?.name ?? '—'} <span className="muted mono">{session.org?.id}</span>
          </dd>
          <dt>Role</dt>
          <dd>{session.user?.role ?? '—'}</dd>
        </dl>
        <dl>
          <dt>Client</dt>
          <dd>{session.client ?? session.kind}</dd>
          <dt>Extensions</dt>
          <dd>{session.extensions?.length ? session.extensions.join(', ') : 'none (original protocol)'}</dd>
          <dt>Last latency</dt>
          <dd>{formatMs(session.stats.lastLatencyMs)}</dd>
        </dl>
        <dl>
          <dt>Input tokens</dt>
          <dd>{formatNumber(usage.inputTokens)}</dd>
          <dt>Output tokens</dt>
          <dd>{formatNumber(usage.outputTokens)}</dd>
          <dt>Cache read / write</dt>
          <dd>
            {formatNumber(usage.cacheReadTokens)} / {formatNumber(usage.cacheWriteTokens)}
          </dd>
        </dl>
      </div>
      <h3>Recent tool calls</h3>
      {session.recentToolCalls.length === 0 ? (
        <p className="muted">No tool calls yet.</p>
      ) : (
        <table className="mini-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Tool</th>
              <th>Arguments (redacted)</th>
              <th>Status</th>
              <th className="num">Latency</th>
            </tr>
          </thead>
          <tbody>
            {[...session.recentToolCalls].reverse().map((call) => (
              <tr key={call.id}>
                <td title={formatClock(call.startedAt)}>{formatAgo(call.startedAt, now)}</td>
                <td className="mono">{call.tool}</td>
                <td className="mono args">{shortArgs(call.args)}</td>
                <td>
                  <StatusPill tone={callTone[call.status]}>{call.status}</StatusPill>
                </td>
                <td className="num">{formatMs(call.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
