/** Latency summary in milliseconds. */
export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** The `p`-th percentile (0–100) of already sorted samples, nearest-rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Summarises latency samples (ms). */
export function summarize(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean };
}

/** CPU time (user + system) in ms since `since`, from `process.cpuUsage`. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const delta = process.cpuUsage(since);
  return (delta.user + delta.system) / 1000;
}

/** Rounds for display: 3 significant decimals below 10, fewer above. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
