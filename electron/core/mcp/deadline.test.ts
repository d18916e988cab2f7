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

/** Every phrase family of Tallyfy's DateExtractor (tallyfy-api.md §7), read on Thursday 26 Nov 2026, 06:00 in Chicago. */
describe('parseDeadline phrase families', () => {
  const chicago = (text: string, at: Date = now) => parseDeadline(text, 'America/Chicago', at).local;
  it.each([
    ['tomorrow', '2026-11-27 09:00'],
    ['tomorrow morning', '2026-11-27 09:00'],
    ['tomorrow at noon', '2026-11-27 12:00'],
    ['tomorrow midday', '2026-11-27 12:00'],
    ['tomorrow afternoon', '2026-11-27 14:00'],
    ['tomorrow evening', '2026-11-27 18:00'],
    ['tomorrow night', '2026-11-27 20:00'],
    ['tomorrow 3pm', '2026-11-27 15:00'],
    ['tomorrow at 3:30pm', '2026-11-27 15:30'],
    ['tonight', '2026-11-26 20:00'],
    ['this evening', '2026-11-26 18:00'],
    ['this afternoon', '2026-11-26 14:00'],
    ['next Monday', '2026-11-30 09:00'],
    ['next Monday at 10am', '2026-11-30 10:00'],
    ['next Monday afternoon', '2026-11-30 14:00'],
    ['next Monday evening', '2026-11-30 18:00'],
    ['next Monday at night', '2026-11-30 20:00'],
    ['next Friday at noon', '2026-11-27 12:00'],
    ['next Thursday', '2026-12-03 09:00'],
    ['Friday 5pm', '2026-11-27 17:00'],
    ['in 3 days', '2026-11-29 09:00'],
    ['in 2 weeks', '2026-12-10 09:00'],
    ['in 1 month', '2026-12-26 09:00'],
    ['after 3 days', '2026-11-29 09:00'],
    ['2026-12-15', '2026-12-15 09:00'],
    ['12/15/2026', '2026-12-15 09:00'],
    ['December 15 at 4pm', '2026-12-15 16:00'],
    ['by Friday', '2026-11-27 09:00'],
    ['before December 1', '2026-12-01 09:00'],
    ['due Friday evening', '2026-11-27 18:00'],
    ['deadline is next Tuesday', '2026-12-01 09:00'],
    ['end of day tomorrow', '2026-11-27 17:00'],
  ])('"%s" → %s local', (text, local) => {
    expect(chicago(text)).toBe(`${local} America/Chicago`);
  });

  it('takes "Monday" said on a Monday afternoon as next Monday, and refuses tonight once it has passed', () => {
    const mondayAfternoon = new Date('2026-11-30T20:00:00Z'); // 14:00 in Chicago
    expect(chicago('Monday', mondayAfternoon)).toBe('2026-12-07 09:00 America/Chicago');
    expect(chicago('Monday 5pm', mondayAfternoon)).toBe('2026-11-30 17:00 America/Chicago');
    const lateEvening = new Date('2026-11-27T03:30:00Z'); // 21:30 on the 26th in Chicago
    expect(() => chicago('tonight', lateEvening)).toThrow(/past/);
  });
});
