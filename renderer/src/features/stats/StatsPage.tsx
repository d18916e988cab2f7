import { lazy, Suspense, useMemo } from 'react';

import type { StatsView } from '../../../../shared/types/stats';
import { EmptyState } from '../../components/EmptyState';
import { KpiCard } from '../../components/KpiCard';
import { PageHeader } from '../../components/PageHeader';
import { PageLoading } from '../../components/PageLoading';
import { useLiveRoute } from '../../lib/api/useLive';
import { formatDuration, formatMs, formatNumber, formatUsd } from '../../lib/format';

import { errorLabel } from './errorWords';

// uPlot loads with the first chart: the overview shows these KPIs without it.
const UPlotChart = lazy(() => import('../../components/UPlotChart').then((m) => ({ default: m.UPlotChart })));

/** The headline numbers (also used on the overview). */
export function StatsKpis({ stats }: { stats: StatsView }) {
  return (
    <div className="kpis">
      <KpiCard
        label="Active sessions"
        value={<span data-testid="kpi-active">{stats.active}</span>}
        detail={`${stats.authenticated} signed in · peak ${stats.peak}`}
      />
      <KpiCard
        label="Queries"
        value={<span data-testid="kpi-queries">{formatNumber(stats.queries)}</span>}
        detail={`${stats.queriesPerMinute} in the last minute`}
      />
      <KpiCard label="Latency p50 / p95" value={`${formatMs(stats.latencyP50Ms)}`} detail={`p95 ${formatMs(stats.latencyP95Ms)}`} />
      <KpiCard label="Estimated cost" value={formatUsd(stats.totalCostUsd)} detail={`${stats.model} list prices`} />
      <KpiCard label="Uptime" value={formatDuration(stats.uptimeSeconds * 1000)} detail={`${stats.sessionsTotal} sessions since start`} />
    </div>
  );
}

function BarList({
  rows,
  empty,
}: {
  rows: { key: string; label: string; value: number; detail?: string; danger?: boolean }[];
  empty: string;
}) {
  const max = Math.max(1, ...rows.map((row) => row.value));
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="bar-list">
      {rows.map((row) => (
        <li key={row.key}>
          <div className="bar-label">
            <span className="mono">{row.label}</span>
            <span>
              {formatNumber(row.value)}
              {row.detail && <span className="muted"> · {row.detail}</span>}
            </span>
          </div>
          <div className="bar-track">
            <div className={row.danger ? 'bar-fill danger' : 'bar-fill'} style={{ width: `${(row.value / max) * 100}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Uptime, sessions, rates, latency, tools, errors, tokens and cost per user, with last-hour charts. */
export function StatsPage() {
  const live = useLiveRoute('stats.get', 'stats.changed');
  const stats = live.data;
  // The sampled last hour plus a point for right now, so the charts move with every update.
  const series = useMemo(() => {
    if (!stats) return undefined;
    const last = stats.series.at(-1);
    return [
      ...stats.series,
      {
        at: stats.now,
        active: stats.active,
        queriesPerMinute: stats.queriesPerMinute,
        p50: last?.p50 ?? stats.latencyP50Ms,
        p95: last?.p95 ?? stats.latencyP95Ms,
        errorsPerMinute: last?.errorsPerMinute ?? 0,
      },
    ];
  }, [stats]);
  const times = useMemo(() => series?.map((sample) => sample.at) ?? [], [series]);
  const activeSeries = useMemo(
    () => [{ label: 'Active sessions', color: '#0f7b5f', values: series?.map((sample) => sample.active) ?? [], fill: true }],
    [series],
  );
  const querySeries = useMemo(
    () => [
      { label: 'Queries / min', color: '#3b5bdb', values: series?.map((sample) => sample.queriesPerMinute) ?? [] },
      { label: 'Errors / min', color: '#d92d20', values: series?.map((sample) => sample.errorsPerMinute) ?? [] },
    ],
    [series],
  );
  const latencySeries = useMemo(
    () => [
      { label: 'p50', color: '#0f7b5f', values: series?.map((sample) => sample.p50) ?? [] },
      { label: 'p95', color: '#b45309', values: series?.map((sample) => sample.p95) ?? [] },
    ],
    [series],
  );
  if (!stats) {
    return <PageLoading label="Stats" title="Stats" failure="read the stats" error={live.error} />;
  }
  return (
    <section className="page" aria-label="Stats">
      <PageHeader title="Stats" description="Since the gateway started · charts cover up to the last hour (at least ten minutes), sampled every 10 seconds" />
      <StatsKpis stats={stats} />
      <Suspense fallback={<p className="muted">Loading charts…</p>}>
        <div className="grid-3">
          <div className="card">
            <h2 className="card-title">Active sessions</h2>
            <UPlotChart times={times} series={activeSeries} />
          </div>
          <div className="card">
            <h2 className="card-title">Queries and errors per minute</h2>
            <UPlotChart times={times} series={querySeries} />
          </div>
          <div className="card">
            <h2 className="card-title">Latency</h2>
            <UPlotChart times={times} series={latencySeries} format={formatMs} />
          </div>
        </div>
      </Suspense>
      <div className="grid-3">
        <div className="card">
          <h2 className="card-title">Tool calls by tool</h2>
          <BarList
            rows={stats.toolCalls
              .slice(0, 12)
              .map((row) => ({
                key: row.tool,
                label: row.tool,
                value: row.count,
                ...(row.errors ? { detail: `${row.errors} failed` } : {}),
              }))}
            empty="No tool calls yet."
          />
        </div>
        <div className="card">
          <h2 className="card-title">Errors by kind</h2>
          <BarList
            rows={stats.errors.map((row) => ({ key: row.kind, label: errorLabel(row.kind), value: row.count, danger: true }))}
            empty="No errors so far."
          />
        </div>
        <div className="card">
          <h2 className="card-title">Tokens and cost by user</h2>
          {stats.users.length === 0 ? (
            <EmptyState icon="stats" title="No usage yet">
              Token use appears once someone asks Claude a question.
            </EmptyState>
          ) : (
            <table className="mini-table">
              <thead>
                <tr>
                  <th>User</th>
                  <th className="num">Input</th>
                  <th className="num">Output</th>
                  <th className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {stats.users.map((user) => (
                  <tr key={user.key}>
                    <td>
                      {user.name}
                      <div className="muted small">{user.email}</div>
                    </td>
                    <td className="num">
                      {formatNumber(user.usage.inputTokens + user.usage.cacheReadTokens + user.usage.cacheWriteTokens, true)}
                    </td>
                    <td className="num">{formatNumber(user.usage.outputTokens, true)}</td>
                    <td className="num">{formatUsd(user.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
