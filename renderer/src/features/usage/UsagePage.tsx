import { useEffect, useState } from 'react';

import type { BudgetWarning, UsageReport } from '../../../../shared/types/spend';
import { EmptyState } from '../../components/EmptyState';
import { KpiCard } from '../../components/KpiCard';
import { PageHeader } from '../../components/PageHeader';
import { PageLoading } from '../../components/PageLoading';
import { useRoute } from '../../lib/api/useRoute';
import { downloadText } from '../../lib/download';
import { formatNumber, formatUsd } from '../../lib/format';

import { usageCsv } from './usageCsv';

const limitNames: Record<BudgetWarning['limit'], string> = {
  perUserDailyUsd: 'daily limit',
  perUserMonthlyUsd: 'monthly limit',
  gatewayMonthlyUsd: 'gateway monthly limit',
};

const tokens = (row: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }): number =>
  row.inputTokens + row.outputTokens + row.cacheReadTokens + row.cacheWriteTokens;

const resetDate = (at: number): string =>
  new Date(at).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

function MonthCard({ report }: { report: UsageReport }) {
  const { spentUsd, limitUsd, resetsAt } = report.gatewayMonth;
  const share = limitUsd ? Math.min(1, spentUsd / Math.max(limitUsd, 1e-9)) : 0;
  const tone = limitUsd === null ? '' : spentUsd >= limitUsd ? 'danger' : share >= 0.8 ? 'warn' : '';
  return (
    <KpiCard
      testId="usage-month"
      label={`Gateway, ${report.gatewayMonth.month}`}
      value={formatUsd(spentUsd)}
      detail={
        limitUsd === null ? (
          'No monthly limit'
        ) : (
          <>
            of {formatUsd(limitUsd)} · resets {resetDate(resetsAt)}
            <div
              className="meter"
              role="meter"
              aria-valuemin={0}
              aria-valuemax={limitUsd}
              aria-valuenow={spentUsd}
              aria-label="Month so far against the limit"
            >
              <div className={`meter-fill ${tone}`} style={{ width: `${share * 100}%` }} />
            </div>
          </>
        )
      }
    />
  );
}

/**
 * What the shared Anthropic key was spent on: per user and org per day, top users, the month so far
 * against the gateway limit, teammates at 80% or more of a limit, and a CSV export.
 */
export function UsagePage() {
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const report = useRoute('usage.report', range);
  const { reload } = report;
  useEffect(() => {
    const timer = setInterval(reload, 15_000);
    return () => clearInterval(timer);
  }, [reload]);
  const data = report.data;
  if (!data) return <PageLoading label="Usage" title="Usage" failure="read the usage report" error={report.error} />;
  const top = data.users[0];
  const maxUser = Math.max(1e-9, ...data.users.map((user) => user.usd));
  return (
    <section className="page" aria-label="Usage">
      <PageHeader
        title="Usage"
        description={
          <>
            Spend on the shared Anthropic key, estimated from list prices of {data.pricesAsOf} · days in {data.timeZone}
          </>
        }
        actions={
          <div className="usage-range">
            <input
              type="date"
              aria-label="From"
              value={range.from ?? data.from}
              max={range.to ?? data.to}
              onChange={(event) => setRange({ ...range, from: event.target.value || undefined })}
              data-testid="usage-from"
            />
            <span className="muted">to</span>
            <input
              type="date"
              aria-label="To"
              value={range.to ?? data.to}
              min={range.from ?? data.from}
              onChange={(event) => setRange({ ...range, to: event.target.value || undefined })}
              data-testid="usage-to"
            />
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => downloadText(`usage-${data.from}-${data.to}.csv`, 'text/csv;charset=utf-8', usageCsv(data))}
              disabled={data.days.length === 0}
              data-testid="usage-csv"
            >
              Export CSV
            </button>
          </div>
        }
      />
      {report.error && <div className="callout callout-danger">{report.error.message}</div>}
      {data.warnings.length > 0 && (
        <div className="callout callout-warn" role="status" data-testid="usage-warnings">
          <div>
            <strong>Limits at 80% or more</strong>
            <ul className="plain-list">
              {data.warnings.map((warning) => (
                <li key={`${warning.limit}:${warning.user?.orgId ?? ''}:${warning.user?.userId ?? 'gateway'}`}>
                  {warning.user ? `${warning.user.name} (${warning.user.email})` : 'The gateway'}: {formatUsd(warning.spentUsd)} of the{' '}
                  {formatUsd(warning.limitUsd)} {limitNames[warning.limit]}
                  {warning.exceeded ? ' — reached, queries refused' : ''} · resets {resetDate(warning.resetsAt)}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      <div className="kpis">
        <MonthCard report={data} />
        <KpiCard
          label="Spend in range"
          value={<span data-testid="usage-total">{formatUsd(data.totals.usd)}</span>}
          detail={`${data.from} to ${data.to}`}
        />
        <KpiCard
          label="Tokens in range"
          value={formatNumber(tokens(data.totals), true)}
          detail={`${formatNumber(data.totals.calls)} model calls`}
        />
        <KpiCard label="Top user" value={top ? top.name : '—'} detail={top ? `${formatUsd(top.usd)} · ${top.email}` : 'Nobody yet'} />
      </div>
      {data.days.length === 0 ? (
        <div className="card">
          <EmptyState icon="stats" title="No spend in this range">
            Spend appears here once a teammate asks Claude a question. Direct tool mode is not charged.
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="grid-3 usage-grid">
            <div className="card">
              <h2 className="card-title">Top users</h2>
              <ul className="bar-list" data-testid="usage-top-users">
                {data.users.slice(0, 10).map((user) => (
                  <li key={`${user.orgId}:${user.userId}`}>
                    <div className="bar-label">
                      <span>
                        {user.name} <span className="muted small">{user.email}</span>
                      </span>
                      <span>
                        {formatUsd(user.usd)} <span className="muted">· {formatNumber(tokens(user), true)} tokens</span>
                      </span>
                    </div>
                    <div className="bar-track">
                      <div className="bar-fill" style={{ width: `${(user.usd / maxUser) * 100}%` }} />
                    </div>
                  </li>
                ))}
              </ul>
            </div>
            <div className="card">
              <h2 className="card-title">By organization</h2>
              <table className="mini-table">
                <thead>
                  <tr>
                    <th>Organization</th>
                    <th className="num">Tokens</th>
                    <th className="num">Spend</th>
                  </tr>
                </thead>
                <tbody>
                  {data.orgs.map((org) => (
                    <tr key={org.orgId}>
                      <td>
                        {org.orgName ?? 'Organization'}
                        <div className="muted small mono">{org.orgId}</div>
                      </td>
                      <td className="num">{formatNumber(tokens(org), true)}</td>
                      <td className="num">{formatUsd(org.usd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div className="card">
            <h2 className="card-title">Per user per day</h2>
            <div className="table-scroll">
              <table className="mini-table" data-testid="usage-days">
                <thead>
                  <tr>
                    <th>Day</th>
                    <th>User</th>
                    <th>Organization</th>
                    <th className="num">Input</th>
                    <th className="num">Output</th>
                    <th className="num">Cache write</th>
                    <th className="num">Cache read</th>
                    <th className="num">Spend</th>
                  </tr>
                </thead>
                <tbody>
                  {[...data.days].reverse().map((row) => (
                    <tr key={`${row.day}:${row.orgId}:${row.userId}`}>
                      <td className="mono">{row.day}</td>
                      <td>
                        {row.name}
                        <div className="muted small">{row.email}</div>
                      </td>
                      <td>{row.orgName ?? <span className="mono small">{row.orgId}</span>}</td>
                      <td className="num">{formatNumber(row.inputTokens, true)}</td>
                      <td className="num">{formatNumber(row.outputTokens, true)}</td>
                      <td className="num">{formatNumber(row.cacheWriteTokens, true)}</td>
                      <td className="num">{formatNumber(row.cacheReadTokens, true)}</td>
                      <td className="num">{formatUsd(row.usd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
