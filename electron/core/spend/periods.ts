/**
 * Spend periods: calendar days and months in the gateway's local time zone (the process's `TZ`).
 * Midnights are computed with local `Date` fields, so a day with a daylight-saving change is
 * 23 or 25 hours long, as a person there would count it.
 */

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** The local day of `ms` (ms since the epoch), `YYYY-MM-DD`. */
export function dayKey(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local month of `ms`, `YYYY-MM`. */
export function monthKey(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}`;
}

/** The first day of the local month of `ms`, `YYYY-MM-01`. */
export function monthStartDay(ms: number): string {
  return `${monthKey(ms)}-01`;
}

/** The next local midnight after `ms`, ms since the epoch (when a daily limit resets). */
export function nextDayStart(ms: number): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}

/** Local midnight on the first of the next month after `ms` (when a monthly limit resets). */
export function nextMonthStart(ms: number): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth() + 1, 1).getTime();
}

/** The gateway's IANA time zone name (e.g. `Europe/Berlin`), or `UTC` when the runtime cannot tell. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** When a period resets, for a person: `00:00 on Tue 8 Dec (Europe/Berlin)`. */
export function describeReset(ms: number): string {
  const date = new Date(ms);
  const day = date.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
  return `${pad(date.getHours())}:${pad(date.getMinutes())} on ${day} (${localTimeZone()})`;
}
