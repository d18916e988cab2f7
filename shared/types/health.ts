import { z } from 'zod';

/** State of one service the core runs. */
export const serviceHealthSchema = z.object({
  running: z.boolean(),
  /** Where it listens, when it does. */
  url: z.string().optional(),
  detail: z.string().optional(),
});
export type ServiceHealth = z.infer<typeof serviceHealthSchema>;

/** Cluster mode: the node's link to the cluster's Redis and the nodes it hears from. */
export const clusterHealthSchema = serviceHealthSchema.extend({
  /** This node's `--node-id`. */
  node: z.string(),
  /** Every live node of the cluster (this one included), by node id. */
  nodes: z.array(z.string()),
});
export type ClusterHealth = z.infer<typeof clusterHealthSchema>;

/** What `GET /healthz` and the `health.get` admin route return. */
export const healthSchema = z.object({
  /** `degraded`: cluster mode with Redis unreachable; the node still serves, with node-local state. */
  status: z.enum(['ok', 'degraded', 'starting', 'stopping']),
  name: z.string(),
  version: z.string(),
  /** Seconds since the core started. */
  uptimeSeconds: z.number(),
  /** `sandbox` when running on the embedded Tallyfy sandbox. */
  mode: z.enum(['live', 'sandbox']),
  /** `claude` with an Anthropic key; `direct` (tools without a model) without. */
  agent: z.enum(['claude', 'direct']),
  services: z.object({
    gateway: serviceHealthSchema,
    mcp: serviceHealthSchema,
    sandbox: serviceHealthSchema,
    /** Present in cluster mode (`--redis`) only. */
    cluster: clusterHealthSchema.optional(),
  }),
  sessions: z.object({ active: z.number().int(), peak: z.number().int() }),
});
export type Health = z.infer<typeof healthSchema>;
