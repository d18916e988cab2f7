import { useEffect, useMemo, useState } from 'react';

import type { RouteInput } from '../../../../shared/ipc/contract';
import {
  auditApprovalSchema,
  auditStatusSchema,
  type AuditApproval,
  type AuditEntry,
  type AuditStatus,
} from '../../../../shared/types/audit';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { StatusPill, type Tone } from '../../components/StatusPill';
import { useRoute } from '../../lib/api/useRoute';
import { downloadText } from '../../lib/download';
import { formatMs } from '../../lib/format';

import { approvalWords, argsText, statusWords, toCsv, toJsonl } from './auditExport';

const periods = [
  { id: 'hour', label: '1 hour', ms: 3_600_000 },
  { id: 'day', label: '24 hours', ms: 86_400_000 },
  { id: 'week', label: '7 days', ms: 7 * 86_400_000 },
  { id: 'all', label: 'All time', ms: undefined },
] as const;
type Period = (typeof periods)[number]['id'];

const approvalTone: Record<AuditApproval, Tone> = {
  automatic: 'muted',
  approved: 'ok',
  approved_always: 'ok',
  approved_earlier: 'ok',
  denied: 'danger',
  timed_out: 'warn',
  cancelled: 'muted',
};
const statusTone: Record<AuditStatus, Tone> = { ok: 'ok', error: 'danger', denied: 'muted', cancelled: 'muted' };

/** How often the list is asked again while the page is open, ms. */
const refreshMs = 5000;

function stamp(at: number): string {
  const date = new Date(at);
  return `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
}

/**
 * Activity: the audit trail of every tool call teammates (and the desk user) made in Tallyfy
 * through the gateway: who, where, what with which values, how it was approved, how it ended.
 * Kept on disk by the core across sessions and restarts; filter it, then export CSV or JSONL.
 */
export function ActivityPage() {
  const [user, setUser] = useState('');
  const [tool, setTool] = useState('');
  const [org, setOrg] = useState('');
  const [status, setStatus] = useState<AuditStatus | ''>('');
  const [approval, setApproval] = useState<AuditApproval | ''>('');
  const [period, setPeriod] = useState<Period>('day');
  // "Now" moves only when the filters change or the list refreshes, so the query key stays stable between refreshes.
  const [now, setNow] = useState(() => Date.now());
  const since = periods.find((item) => item.id === period)?.ms;
  const query = useMemo((): RouteInput<'audit.list'> => {
    const input: RouteInput<'audit.list'> = { limit: 1000 };
    if (user.trim()) input.user = user.trim();
    if (tool.trim()) input.tool = tool.trim();
    if (org.trim()) input.org = org.trim();
    if (status) input.status = status;
    if (approval) input.approval = approval;
    if (since !== undefined) input.since = Math.floor((now - since) / 60_000) * 60_000;
    return input;
  }, [user, tool, org, status, approval, since, now]);
  const list = useRoute('audit.list', query);
  const { reload } = list;
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      reload();
    }, refreshMs);
    return () => clearInterval(timer);
  }, [reload]);
  const entries: AuditEntry[] = list.data?.entries ?? [];
  const filtered = Boolean(user || tool || org || status || approval || period !== 'all');
  const fileBase = `tallyfy-gateway-activity-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '')}`;

  return (
    <section className="page" aria-label="Activity">
      <PageHeader
        title="Activity"
        description="Every tool call made in Tallyfy through this gateway: who, what, how it was approved and how it ended. Kept on disk across restarts; secrets are redacted."
        actions={
          <>
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => downloadText(`${fileBase}.csv`, 'text/csv', toCsv(entries))}
              disabled={!entries.length}
              data-testid="export-csv"
            >
              Export CSV
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => downloadText(`${fileBase}.jsonl`, 'application/x-ndjson', toJsonl(entries))}
              disabled={!entries.length}
              data-testid="export-jsonl"
            >
              Export JSONL
            </button>
          </>
        }
      />
      <div className="card activity-filters" role="group" aria-label="Filters">
        <label className="field-inline">
          <span>Person</span>
          <input
            type="search"
            value={user}
            onChange={(event) => setUser(event.target.value)}
            placeholder="Name or email"
            data-testid="filter-user"
          />
        </label>
        <label className="field-inline">
          <span>Tool</span>
          <input
            type="search"
            value={tool}
            onChange={(event) => setTool(event.target.value)}
            placeholder="e.g. complete_task"
            data-testid="filter-tool"
          />
        </label>
        <label className="field-inline">
          <span>Organization</span>
          <input type="search" value={org} onChange={(event) => setOrg(event.target.value)} placeholder="Name or id" />
        </label>
        <label className="field-inline">
          <span>Approval</span>
          <select
            value={approval}
            onChange={(event) => setApproval(event.target.value as AuditApproval | '')}
            data-testid="filter-approval"
          >
            <option value="">Any</option>
            {auditApprovalSchema.options.map((value) => (
              <option key={value} value={value}>
                {approvalWords[value]}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Result</span>
          <select value={status} onChange={(event) => setStatus(event.target.value as AuditStatus | '')}>
            <option value="">Any</option>
            {auditStatusSchema.options.map((value) => (
              <option key={value} value={value}>
                {statusWords[value]}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="group" aria-label="Period">
          {periods.map((item) => (
            <button
              key={item.id}
              type="button"
              className={item.id === period ? 'active' : undefined}
              aria-pressed={item.id === period}
              onClick={() => {
                setNow(Date.now());
                setPeriod(item.id);
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      </div>
      {list.error && <div className="callout callout-danger">Cannot read the activity: {list.error.message}</div>}
      <div className="card table-card">
        {entries.length === 0 ? (
          <EmptyState
            icon="logs"
            title={list.loading && !list.data ? 'Loading…' : filtered ? 'Nothing matches these filters' : 'No tool calls yet'}
          >
            {filtered
              ? 'Widen the period or clear a filter.'
              : 'Each time the assistant reads or changes something in Tallyfy for someone, it shows up here.'}
          </EmptyState>
        ) : (
          <table className="data-table activity-table" data-testid="activity-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Approval</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr
                  key={entry.id}
                  data-testid="activity-row"
                  data-tool={entry.tool}
                  data-approval={entry.approval}
                  data-status={entry.status}
                >
                  <td className="nowrap">
                    <time dateTime={new Date(entry.at).toISOString()}>{stamp(entry.at)}</time>
                  </td>
                  <td>
                    <span className="user-name">{entry.user.name}</span>
                    <span className="user-email">{entry.user.email}</span>
                    <span className="muted small">
                      {entry.org.name ?? entry.org.id} · {entry.session.client ?? entry.session.kind}
                    </span>
                  </td>
                  <td className="activity-what">
                    <code>{entry.tool}</code>
                    {argsText(entry.args) && <span className="activity-args">{argsText(entry.args)}</span>}
                  </td>
                  <td>
                    <StatusPill tone={approvalTone[entry.approval]}>{approvalWords[entry.approval]}</StatusPill>
                  </td>
                  <td>
                    <StatusPill tone={statusTone[entry.status]}>{statusWords[entry.status]}</StatusPill>
                    <span className="muted small activity-duration">{formatMs(entry.durationMs)}</span>
                    {entry.summary && <span className="activity-summary">{entry.summary}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {list.data?.truncated && (
        <p className="muted small">Showing the newest {entries.length}. Narrow the filters (or export) to see older ones.</p>
      )}
    </section>
  );
}
