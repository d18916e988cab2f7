import type { AuditApproval, AuditEntry, AuditStatus } from '../../../../shared/types/audit';

/** Words for how a call was cleared, as the Activity page and its CSV say them. */
export const approvalWords: Record<AuditApproval, string> = {
  automatic: 'Automatic (no approval needed)',
  approved: 'Approved',
  approved_always: 'Approved for the session',
  approved_earlier: 'Allowed earlier this session',
  denied: 'Denied',
  timed_out: 'No answer in time',
  cancelled: 'Cancelled',
};

export const statusWords: Record<AuditStatus, string> = { ok: 'Succeeded', error: 'Failed', denied: 'Did not run', cancelled: 'Cancelled' };

/** `key: value, …` of a call's (already redacted) arguments. */
export function argsText(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** RFC 4180 field: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const columns: Array<[string, (entry: AuditEntry) => string]> = [
  ['time', (entry) => new Date(entry.at).toISOString()],
  ['user', (entry) => entry.user.name],
  ['email', (entry) => entry.user.email],
  ['org', (entry) => entry.org.name ?? ''],
  ['org_id', (entry) => entry.org.id],
  ['session', (entry) => entry.session.id],
  ['client', (entry) => entry.session.client ?? entry.session.kind],
  ['tool', (entry) => entry.tool],
  ['arguments', (entry) => JSON.stringify(entry.args)],
  ['approval', (entry) => entry.approval],
  ['status', (entry) => entry.status],
  ['duration_ms', (entry) => String(entry.durationMs)],
  ['summary', (entry) => entry.summary ?? ''],
];

/** The entries as CSV (header row first, CRLF line ends). */
export function toCsv(entries: readonly AuditEntry[]): string {
  const rows = [columns.map(([name]) => name), ...entries.map((entry) => columns.map(([, value]) => value(entry)))];
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** The entries as JSON Lines, as the audit file keeps them. */
export function toJsonl(entries: readonly AuditEntry[]): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length ? '\n' : '');
}
