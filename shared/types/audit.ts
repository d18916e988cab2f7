import { z } from 'zod';

/**
 * How a tool call was cleared to run: nobody was asked (a read, or the approval policy allows
 * it), the teammate approved it (once, or for the rest of the session), it ran under an earlier
 * "always allow", or it did not run because the teammate said no, nobody answered in time, or
 * the question was cancelled (Stop, sign-out, session end).
 */
export const auditApprovalSchema = z.enum([
  'automatic',
  'approved',
  'approved_always',
  'approved_earlier',
  'denied',
  'timed_out',
  'cancelled',
]);
export type AuditApproval = z.infer<typeof auditApprovalSchema>;

/** How the call ended (`denied`/`cancelled`: it never ran). */
export const auditStatusSchema = z.enum(['ok', 'error', 'denied', 'cancelled']);
export type AuditStatus = z.infer<typeof auditStatusSchema>;

/**
 * One tool call on record: who (user, org, session), what (tool, arguments with secrets
 * redacted), how it was cleared, how it ended and how long it took. One JSON line in
 * `<dataDir>/audit/audit.jsonl`. Never holds a credential or conversation text.
 */
export const auditEntrySchema = z.object({
  /** Unique id of the entry. */
  id: z.string(),
  /** When the call ended, ms since the epoch. */
  at: z.number(),
  user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  org: z.object({ id: z.string(), name: z.string().optional() }),
  session: z.object({ id: z.string(), kind: z.string(), client: z.string().optional() }),
  /** The MCP tool name, e.g. `complete_task`. */
  tool: z.string(),
  /** Human title of the tool, when known. */
  title: z.string().optional(),
  /** The call's arguments, secrets redacted and long values shortened. */
  args: z.record(z.string(), z.unknown()),
  approval: auditApprovalSchema,
  status: auditStatusSchema,
  /** ms. */
  durationMs: z.number(),
  /** A short outcome (an error's message), secrets scrubbed. */
  summary: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `audit.list` filters; every one optional, all must match. */
export const auditQuerySchema = z
  .object({
    /** Part of the user's name or email, any case. */
    user: z.string().trim().max(200).optional(),
    /** Org id, or part of its name. */
    org: z.string().trim().max(200).optional(),
    /** Part of the tool name or title. */
    tool: z.string().trim().max(200).optional(),
    sessionId: z.string().trim().max(100).optional(),
    status: auditStatusSchema.optional(),
    approval: auditApprovalSchema.optional(),
    /** Only entries at or after this time, ms since the epoch. */
    since: z.number().nonnegative().optional(),
    /** Only entries before this time, ms since the epoch. */
    until: z.number().nonnegative().optional(),
    /** At most this many (newest first). Default 500, at most 5,000. */
    limit: z.number().int().min(1, 'ask for at least one entry').max(5000, 'at most 5,000 entries at a time').optional(),
  })
  .strict();
export type AuditQuery = z.input<typeof auditQuerySchema>;

/** The answer: newest first; `truncated` when more entries matched than `limit`. */
export const auditListSchema = z.object({ entries: z.array(auditEntrySchema), truncated: z.boolean() });
export type AuditList = z.infer<typeof auditListSchema>;
