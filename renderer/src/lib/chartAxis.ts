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
