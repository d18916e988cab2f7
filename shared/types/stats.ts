import { z } from 'zod';

import { usageSchema } from './session';

/** One point of the last-hour series, taken every 10 s. */
export const statsSampleSchema = z.object({
  /** ms since the epoch. */
  at: z.number(),
  active: z.number().int(),
  /** Queries completed in the minute before `at`. */
  queriesPerMinute: z.number(),
  /** Latency percentiles of queries completed in the minute before `at`, ms; null without queries. */
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  /** Errors in the minute before `at`. */
  errorsPerMinute: z.number(),
});
export type StatsSample = z.infer<typeof statsSampleSchema>;

/** Token usage and estimated cost of one user. */
export const userCostSchema = z.object({
  key: z.string(),
  name: z.string(),
  email: z.string(),
  usage: usageSchema,
  /** Estimated from public list prices of the configured model, US dollars. */
  costUsd: z.number(),
});
export type UserCost = z.infer<typeof userCostSchema>;

/** What the Stats page shows. Never carries conversation text. */
export const statsViewSchema = z.object({
  /** When this view was computed, ms since the epoch (the core's clock). */
  now: z.number(),
  uptimeSeconds: z.number(),
  active: z.number().int(),
  authenticated: z.number().int(),
  peak: z.number().int(),
  sessionsTotal: z.number().int(),
  queries: z.number().int(),
  /** Queries completed in the last minute. */
  queriesPerMinute: z.number(),
  /** Over the recent latency window (up to 1,000 queries), ms; null without queries. */
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  toolCalls: z.array(z.object({ tool: z.string(), count: z.number().int(), errors: z.number().int() })),
  errors: z.array(z.object({ kind: z.string(), count: z.number().int() })),
  users: z.array(userCostSchema),
  totalCostUsd: z.number(),
  model: z.string(),
  /** Last hour, oldest first. */
  series: z.array(statsSampleSchema),
});
export type StatsView = z.infer<typeof statsViewSchema>;
