import { describe, expect, it } from 'vitest';

import { formatAgo, formatDuration, formatMs, formatNumber, formatUsd, initials } from './format';

describe('format', () => {
  it('formats durations, ages and latencies for people', () => {
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(303_000)).toBe('5m 03s');
    expect(formatDuration(7_800_000)).toBe('2h 10m');
    expect(formatAgo(1000, 3000)).toBe('just now');
    expect(formatAgo(0, 300_000)).toBe('5 min ago');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(2400)).toBe('2.4 s');
  });

  it('formats numbers, money and initials', () => {
    expect(formatNumber(12_345, true)).toBe('12.3k');
    expect(formatNumber(1234)).toBe('1,234');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(1.5)).toBe('$1.50');
    expect(initials('Alice Smith')).toBe('AS');
    expect(initials('')).toBe('?');
  });
});
