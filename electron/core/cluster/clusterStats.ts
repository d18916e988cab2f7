import { emptyGatewayStats, type GatewayStats } from '../../../shared/types/gatewayStats';

/** Latency samples a node shares with the others: the newest this many (the Stats page needs percentiles, not every point). */
export const sharedLatencySamples = 300;

/** A node's statistics as it shares them: the same, with the latency list cut to its newest {@link sharedLatencySamples}. */
export function shareableStats(stats: GatewayStats): GatewayStats {
  return stats.latency.length > sharedLatencySamples ? { ...stats, latency: stats.latency.slice(-sharedLatencySamples) } : stats;
}

/**
 * The cluster's statistics from each node's: counts, tool calls, errors and tokens per user
 * added up; latency samples merged by time (newest 1,000); `peak` the sum of the nodes' peaks at
 * most, and never below the sessions open now.
 */
export function mergeStats(all: readonly GatewayStats[]): GatewayStats {
  const merged: GatewayStats = emptyGatewayStats();
  for (const stats of all) {
    merged.active += stats.active;
    merged.authenticated += stats.authenticated;
    merged.peak += stats.peak;
    merged.sessionsTotal += stats.sessionsTotal;
    merged.queries += stats.queries;
    merged.latency.push(...stats.latency);
    for (const [tool, entry] of Object.entries(stats.toolCalls)) {
      const into = (merged.toolCalls[tool] ??= { count: 0, errors: 0 });
      into.count += entry.count;
      into.errors += entry.errors;
    }
    for (const [kind, count] of Object.entries(stats.errors)) merged.errors[kind] = (merged.errors[kind] ?? 0) + count;
    for (const [key, entry] of Object.entries(stats.tokensByUser)) {
      const into = (merged.tokensByUser[key] ??= {
        name: entry.name,
        email: entry.email,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
      into.inputTokens += entry.inputTokens;
      into.outputTokens += entry.outputTokens;
      into.cacheReadTokens += entry.cacheReadTokens;
      into.cacheWriteTokens += entry.cacheWriteTokens;
    }
  }
  merged.peak = Math.max(merged.peak, merged.active);
  merged.latency.sort((a, b) => a.at - b.at);
  if (merged.latency.length > 1000) merged.latency.splice(0, merged.latency.length - 1000);
  return merged;
}
