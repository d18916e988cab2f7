import * as chrono from 'chrono-node/en';

/** A natural-language deadline resolved in a timezone. */
export interface ParsedDeadline {
  /** UTC as Tallyfy wants it on input: `YYYY-MM-DD HH:MM:SS`. */
  utc: string;
  /** The same instant as ISO 8601 (`...Z`). */
  iso: string;
  /** Wall-clock time in `timezone`: `YYYY-MM-DD HH:MM` plus the zone name. */
  local: string;
  /** The IANA zone the text was read in (`UTC` when none was configured). */
  timezone: string;
  /** The part of the text that was read as the date. */
  matchedText: string;
}

/** Thrown when no date can be read from the text; the message suggests a form that works. */
export class DeadlineParseError extends Error {
  readonly code = 'DEADLINE_UNPARSEABLE';
  constructor(text: string, reason?: string) {
    super(
      `Could not read a deadline from "${text}"${reason ? ` (${reason})` : ''}. Try a form like "next Friday 5pm", "tomorrow at 3pm", "in 3 days" or "April 12 2027 at 3pm".`,
    );
    this.name = 'DeadlineParseError';
  }
}

const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Minutes east of UTC of `timeZone` at `instant` (e.g. -360 for America/Chicago in winter). */
export function zoneOffsetMinutes(timeZone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return Math.round((asUtc - (instant.getTime() - instant.getMilliseconds())) / 60_000);
}

/** True when `timeZone` is an IANA zone this runtime knows. */
function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Wall-clock fields of `instant` shifted by `offset` minutes. */
function wall(instant: Date, offset: number): Date {
  return new Date(instant.getTime() + offset * 60_000);
}

function formatUtc(instant: Date): string {
  return `${instant.getUTCFullYear()}-${pad(instant.getUTCMonth() + 1)}-${pad(instant.getUTCDate())} ${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}`;
}

/** Tallyfy's named times of day (tallyfy-api.md §7): what "morning", "evening"… mean as a clock time. */
export const namedTimeOfDay: Record<string, string> = {
  morning: '09:00',
  noon: '12:00',
  midday: '12:00',
  afternoon: '14:00',
  evening: '18:00',
  night: '20:00',
  midnight: '00:00',
};

/**
 * Rewrites named times of day into clock times chrono reads ("tomorrow evening" → "tomorrow at 18:00",
 * "tonight" → "today at 20:00", "after 3 days" → "in 3 days"). A text with an explicit clock time keeps it.
 */
function namedTimes(text: string): string {
  let out = text
    .replace(/\bafter\s+(\d+)\s+(day|week|month)s?\b/gi, 'in $1 $2s')
    .replace(/\b(?:end of (?:the )?day|eod|close of business|cob)\b/gi, 'at 17:00')
    .replace(/\b(?:deadline|due)(?:\s+(?:is|on|by))?\s+/gi, '');
  if (/\d\s*(am|pm)\b|\d:\d\d/i.test(out)) return out;
  out = out
    .replace(/\btonight\b/gi, 'today at 20:00')
    .replace(/\bthis\s+(morning|afternoon|evening)\b/gi, (_match, part: string) => `today at ${namedTimeOfDay[part.toLowerCase()]}`)
    .replace(
      /\b(?:at\s+|in\s+the\s+)?(morning|afternoon|evening|night|noon|midday|midnight)\b/gi,
      (_match, part: string) => `at ${namedTimeOfDay[part.toLowerCase()]}`,
    );
  return out;
}

/**
 * Reads a deadline such as "next Friday 5pm" in `timeZone` (IANA; default and fallback `UTC`),
 * relative to `now` (default the current time), with chrono-node preferring future dates.
 * Rules from Tallyfy's own server: "next <weekday>" is always 1–7 days ahead; no time of day
 * means 09:00 local; a result in the past or more than 2 years ahead is refused.
 * @throws DeadlineParseError
 */
export function parseDeadline(text: string, timeZone = 'UTC', now: Date = new Date()): ParsedDeadline {
  const zone = timeZone && isKnownZone(timeZone) ? timeZone : 'UTC';
  let offset = zoneOffsetMinutes(zone, now);
  const localNow = wall(now, offset);
  // "next friday" means the coming one (1–7 days ahead), not chrono's "the one in next week".
  const input = namedTimes(text).replace(
    /\bnext\s+(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/gi,
    (_match, day: string) => {
      const target = weekdays.indexOf(day.toLowerCase());
      const ahead = (target - localNow.getUTCDay() + 7) % 7 || 7;
      const date = new Date(localNow.getTime() + ahead * 86_400_000);
      return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    },
  );
  const parse = (tz: number): chrono.ParsedResult | undefined =>
    chrono.parse(input, { instant: now, timezone: tz }, { forwardDate: true })[0];
  let result = parse(offset);
  if (!result) throw new DeadlineParseError(text);
  // Re-read with the offset in force on the target day, so a DST change in between is honoured.
  const targetOffset = zoneOffsetMinutes(zone, result.start.date());
  if (targetOffset !== offset) {
    offset = targetOffset;
    result = parse(offset) ?? result;
  }
  let instant = result.start.date();
  if (!result.start.isCertain('hour')) {
    const local = wall(instant, offset);
    instant = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 9, 0, 0) - offset * 60_000);
  }
  // A bare weekday said on that weekday after its time ("Monday" on a Monday afternoon) means next week's.
  if (
    instant.getTime() < now.getTime() - 60_000 &&
    /\b(sun|mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?)(day)?\b/i.test(input) &&
    !/\btoday\b/i.test(input)
  ) {
    instant = new Date(instant.getTime() + 7 * 86_400_000);
  }
  if (instant.getTime() < now.getTime() - 60_000) throw new DeadlineParseError(text, 'that is in the past');
  if (instant.getTime() > now.getTime() + 2 * 366 * 86_400_000) throw new DeadlineParseError(text, 'that is more than 2 years ahead');
  const local = wall(instant, offset);
  return {
    utc: formatUtc(instant),
    iso: instant.toISOString(),
    local: `${formatUtc(local).slice(0, 16)} ${zone}`,
    timezone: zone,
    matchedText: result.text,
  };
}
