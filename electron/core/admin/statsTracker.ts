import type { GatewayStats } from '../../../shared/types/gatewayStats';
import type { StatsSample, StatsView } from '../../../shared/types/stats';

import { estimateCost } from '../spend/pricing';

/** The value at `fraction` (0–1) of `values` by nearest rank; null when empty. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? null;
}

const sumErrors = (stats: GatewayStats): number => Object.values(stats.errors).reduce((total, count) => total + count, 0);

export interface StatsTrackerOptions {
  /** Reads the registry's aggregate statistics. */
  read: () => GatewayStats;
  /** The model the estimate prices. */
  model: () => string;
  /** ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** When the core started, ms since the epoch. Default: at construction. */
  startedAt?: number;
  /** Time between samples, ms. Default 10,000. */
  sampleEveryMs?: number;
  /** How far back the series goes, ms. Default one hour. */
  windowMs?: number;
}

/**
 * Turns the registry's cumulative statistics into the Stats page: percentiles, rates, costs and a
 * last-hour series sampled every 10 s. Call {@link sample} on a timer ({@link start} does).
 */
export class StatsTracker {
  readonly #options: Required<Omit<StatsTrackerOptions, 'startedAt'>> & { startedAt: number };
  readonly #series: StatsSample[] = [];
  /** Cumulative error counts at each sample, to derive errors per minute. */
  readonly #errorMarks: { at: number; total: number }[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: StatsTrackerOptions) {
    const now = options.now ?? Date.now;
    this.#options = {
      read: options.read,
      model: options.model,
      now,
      startedAt: options.startedAt ?? now(),
      sampleEveryMs: options.sampleEveryMs ?? 10_000,
      windowMs: options.windowMs ?? 60 * 60_000,
    };
  }

  /** Samples now and then every `sampleEveryMs` (the timer does not keep the process alive). */
  start(): void {
    if (this.#timer) return;
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.#options.sampleEveryMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Takes one sample of the series and drops samples older than the window. */
  sample(): StatsSample {
    const stats = this.#options.read();
    const at = this.#options.now();
    const lastMinute = stats.latency.filter((entry) => entry.at > at - 60_000).map((entry) => entry.ms);
    const total = sumErrors(stats);
    this.#errorMarks.push({ at, total });
    while (this.#errorMarks.length > 1 && (this.#errorMarks[0]?.at ?? at) < at - 60_000) this.#errorMarks.shift();
    const sample: StatsSample = {
      at,
      active: stats.active,
      queriesPerMinute: lastMinute.length,
      p50: percentile(lastMinute, 0.5),
      p95: percentile(lastMinute, 0.95),
      errorsPerMinute: total - (this.#errorMarks[0]?.total ?? total),
    };
    this.#series.push(sample);
    while (this.#series.length > 0 && (this.#series[0]?.at ?? at) < at - this.#options.windowMs) this.#series.shift();
    return sample;
  }

  /** The Stats page's data, as of now. */
  view(): StatsView {
    const stats = this.#options.read();
    const now = this.#options.now();
    const model = this.#options.model();
    const latencies = stats.latency.map((entry) => entry.ms);
    const users = Object.entries(stats.tokensByUser)
      .map(([key, entry]) => {
        const usage = { inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, cacheReadTokens: entry.cacheReadTokens, cacheWriteTokens: entry.cacheWriteTokens };
        return { key, name: entry.name, email: entry.email, usage, costUsd: estimateCost(usage, model) };
      })
      .sort((a, b) => b.costUsd - a.costUsd || a.name.localeCompare(b.name));
    return {
      now,
      uptimeSeconds: Math.round((now - this.#options.startedAt) / 1000),
      active: stats.active,
      authenticated: stats.authenticated,
      peak: stats.peak,
      sessionsTotal: stats.sessionsTotal,
      queries: stats.queries,
      queriesPerMinute: stats.latency.filter((entry) => entry.at > now - 60_000).length,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP95Ms: percentile(latencies, 0.95),
      toolCalls: Object.entries(stats.toolCalls)
        .map(([tool, entry]) => ({ tool, count: entry.count, errors: entry.errors }))
        .sort((a, b) => b.count - a.count || a.tool.localeCompare(b.tool)),
      errors: Object.entries(stats.errors)
        .map(([kind, count]) => ({ kind, count }))
        .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
      users,
      totalCostUsd: Math.round(users.reduce((total, user) => total + user.costUsd, 0) * 10_000) / 10_000,
      model,
      series: [...this.#series],
    };
  }
}
