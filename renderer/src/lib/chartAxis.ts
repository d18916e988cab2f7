/** The narrowest a chart's value axis gets, CSS px (room for short counts such as `0.5`). */
export const minAxisWidth = 48;

/**
 * How wide a chart's value axis must be to show every label whole: the widest label as `measure`
 * reports it (CSS px), plus 18 px for the tick (10), the gap (5) and a little air; never under
 * {@link minAxisWidth}.
 */
export function axisWidth(labels: readonly string[], measure: (text: string) => number): number {
  const widest = Math.max(0, ...labels.map(measure));
  return Math.max(minAxisWidth, Math.ceil(widest) + 18);
}

/** The shortest time span a chart shows, seconds (a few minutes of data fill the chart, not a sliver of an hour). */
export const minTimeSpanSeconds = 10 * 60;

/** A time chart's x range, seconds: the data's own span ending at the newest point, at least {@link minTimeSpanSeconds}. */
export function timeRange(min: number, max: number): [number, number] {
  return [Math.min(min, max - minTimeSpanSeconds), max];
}
