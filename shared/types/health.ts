import { z } from 'zod';

/** State of one service the core runs. */
export const serviceHealthSchema = z.object({
  running: z.boolean(),
  /** Where it listens, when it does. */
  url: z.string().optional(),
  detail: z.string().optional(),
});
export type ServiceHealth = z.infer<typeof serviceHealthSchema>;

/** What `GET /healthz` and the `health.get` admin route return. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'starting', 'stopping']),
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
  }),
  sessions: z.object({ active: z.number().int(), peak: z.number().int() }),
});
export type Health = z.infer<typeof healthSchema>;
