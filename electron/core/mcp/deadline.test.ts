import { describe, expect, it } from 'vitest';

import { DeadlineParseError, parseDeadline, zoneOffsetMinutes } from './deadline';

// Thursday 26 November 2026, 12:00 UTC = 06:00 in Chicago (UTC-6).
const now = new Date('2026-11-26T12:00:00Z');

describe('parseDeadline', () => {
  it('reads "next Friday 5pm" as the coming Friday at 17:00 in the org timezone', () => {
    const parsed = parseDeadline('next Friday 5pm', 'America/Chicago', now);
    expect(parsed.utc).toBe('2026-11-27 23:00:00');
    expect(parsed.local).toBe('2026-11-27 17:00 America/Chicago');
    expect(parsed.timezone).toBe('America/Chicago');
  });

  it('puts a date without a time at 09:00 local', () => {
    expect(parseDeadline('tomorrow', 'America/Chicago', now).utc).toBe('2026-11-27 15:00:00');
    expect(parseDeadline('in 3 days', 'Europe/London', now).utc).toBe('2026-11-29 09:00:00');
  });

  it('honours a DST change between now and the deadline', () => {
    const march = new Date('2027-03-10T12:00:00Z'); // Chicago is still UTC-6; DST starts 14 March
    expect(parseDeadline('March 20 2027 at 9am', 'America/Chicago', march).utc).toBe('2027-03-20 14:00:00');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(parseDeadline('tomorrow 5pm', 'Mars/Olympus', now).utc).toBe('2026-11-27 17:00:00');
  });

  it('refuses text with no date, and dates in the past', () => {
    expect(() => parseDeadline('whenever you like', 'UTC', now)).toThrow(DeadlineParseError);
    expect(() => parseDeadline('yesterday', 'UTC', now)).toThrow(/past/);
  });

  it('knows zone offsets', () => {
    expect(zoneOffsetMinutes('America/Chicago', now)).toBe(-360);
    expect(zoneOffsetMinutes('Asia/Kolkata', now)).toBe(330);
  });
});
