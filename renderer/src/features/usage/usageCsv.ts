import type { UsageReport } from '../../../../shared/types/spend';

/** One CSV cell: quoted when needed, and prefixed with `'` when a spreadsheet would read it as a formula. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report's rows (one per user per day) as CSV with a header line, CRLF line ends (RFC 4180). */
export function usageCsv(report: UsageReport): string {
  const header = [
    'day',
    'org_id',
    'org_name',
    'user_id',
    'name',
    'email',
    'usd',
    'input_tokens',
    'output_tokens',
    'cache_write_tokens',
    'cache_read_tokens',
    'calls',
  ];
  const lines = report.days.map((row) =>
    [
      row.day,
      row.orgId,
      row.orgName,
      row.userId,
      row.name,
      row.email,
      Number(row.usd.toFixed(6)),
      row.inputTokens,
      row.outputTokens,
      row.cacheWriteTokens,
      row.cacheReadTokens,
      row.calls,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
