import { describe, expect, it } from 'vitest';

import { axisWidth, minAxisWidth, timeRange } from './chartAxis';

/** About 6.5 px per character, like 11px system-ui. */
const measure = (text: string): number => text.length * 6.5;

describe('axisWidth', () => {
  it('keeps short counts at the floor', () => {
    expect(axisWidth(['0', '0.5', '1'], measure)).toBe(minAxisWidth);
    expect(axisWidth([], measure)).toBe(minAxisWidth);
  });

  it('widens for labels that would not fit the floor, such as latencies', () => {
    // "1000 ms" is 45.5 px: a 48 px axis clipped it to "00 ms".
    expect(axisWidth(['0 ms', '500 ms', '1000 ms'], measure)).toBe(64);
    expect(axisWidth(['0 ms', '500 ms', '1000 ms'], measure)).toBeGreaterThan(Math.ceil(measure('1000 ms')));
  });
});

describe('timeRange', () => {
  it('shows a few minutes of data across the chart instead of a sliver of an hour', () => {
    // Three minutes of samples: the chart spans ten minutes, not sixty.
    expect(timeRange(1000, 1180)).toEqual([580, 1180]);
    // A full hour of samples: the data's own span.
    expect(timeRange(1000, 4600)).toEqual([1000, 4600]);
  });
});
