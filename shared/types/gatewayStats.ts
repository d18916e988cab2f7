import { z } from 'zod';

import { usageSchema } from './session';

/** Aggregate statistics of the session registry, for the admin view. Never carries conversation text. */
export const gatewayStatsSchema = z.object({
  /** Sessions open now (signed in or not). */
  active: z.number().int().nonnegative(),
  /** Signed-in sessions now. */
  authenticated: z.number().int().nonnegative(),
  /** Most sessions open at once since start. */
  peak: z.number().int().nonnegative(),
  /** Sessions opened since start. */
  sessionsTotal: z.number().int().nonnegative(),
  /** Queries answered (or failed) since start. */
  queries: z.number().int().nonnegative(),
  /** Recent query latencies: `at` (ms since epoch) and `ms`, oldest first, at most 1,000. */
  latency: z.array(z.object({ at: z.number(), ms: z.number() })),
  /** Tool calls by tool name. */
  toolCalls: z.record(z.string(), z.object({ count: z.number().int(), errors: z.number().int() })),
  /** Errors by kind (protocol error codes, auth error codes, `AGENT_FAILED`...). */
  errors: z.record(z.string(), z.number().int()),
  /** Token usage by user (key: `orgId:userId`). */
  tokensByUser: z.record(z.string(), usageSchema.extend({ name: z.string(), email: z.string() })),
});
export type GatewayStats = z.infer<typeof gatewayStatsSchema>;

/** Statistics of a registry that has seen nothing yet (a fresh object each time: callers add to it). */
export function emptyGatewayStats(): GatewayStats {
  return { active: 0, authenticated: 0, peak: 0, sessionsTotal: 0, queries: 0, latency: [], toolCalls: {}, errors: {}, tokensByUser: {} };
}
