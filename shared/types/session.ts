import { z } from 'zod';

/** What a session is doing right now. */
export const sessionStateSchema = z.enum(['connecting', 'idle', 'thinking', 'running_tool', 'awaiting_approval']);
export type SessionState = z.infer<typeof sessionStateSchema>;

/** How the peer connected: the gateway's web page, another WebSocket client, or the desk user's local pane. */
export const clientKindSchema = z.enum(['web', 'ws', 'local']);
export type ClientKind = z.infer<typeof clientKindSchema>;

/** One recent tool call, as the admin may see it: arguments redacted, never conversation text. */
export const toolCallRecordSchema = z.object({
  id: z.string(),
  tool: z.string(),
  /** Argument names with values shortened and secrets redacted. */
  args: z.record(z.string(), z.unknown()),
  status: z.enum(['running', 'ok', 'error', 'denied', 'cancelled']),
  startedAt: z.number(),
  durationMs: z.number().optional(),
});
export type ToolCallRecord = z.infer<typeof toolCallRecordSchema>;

/** Token usage, as the Messages API reports it. */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

/** Per-session counters. */
export const sessionStatsSchema = z.object({
  queries: z.number().int().nonnegative(),
  toolCalls: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  usage: usageSchema,
  /** Latency of completed queries, in ms. */
  lastLatencyMs: z.number().optional(),
});
export type SessionStats = z.infer<typeof sessionStatsSchema>;

/** A session as the admin view lists it. Never carries credentials or conversation text. */
export const sessionSnapshotSchema = z.object({
  id: z.string(),
  kind: clientKindSchema,
  state: sessionStateSchema,
  authenticated: z.boolean(),
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string().optional() }).optional(),
  org: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  /** Remote address of the peer ("local" for the desk pane). */
  address: z.string(),
  connectedAt: z.number(),
  lastActiveAt: z.number(),
  /** When the session will be closed for idleness, if nothing happens before. */
  expiresAt: z.number(),
  stats: sessionStatsSchema,
  recentToolCalls: z.array(toolCallRecordSchema),
  /** True while the peer is away and the session waits for a `resume` (extension `resume`). */
  detached: z.boolean().optional(),
  /** Protocol extensions the peer negotiated. */
  extensions: z.array(z.string()).optional(),
  /** The client name the peer gave at sign-in (e.g. `web`). */
  client: z.string().optional(),
  /** The tool whose approval question waits for the user (state `awaiting_approval`). */
  awaitingApprovalFor: z.string().optional(),
  /** Cluster mode: the node (`--node-id`) that holds the session. Absent on a single node. */
  node: z.string().optional(),
});
export type SessionSnapshot = z.infer<typeof sessionSnapshotSchema>;

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
