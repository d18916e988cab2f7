import { z } from 'zod';

/**
 * Opt-in protocol extensions. A client that names none of them receives only the original
 * server's messages (see docs/protocol.md). Each extension unlocks the server messages listed.
 *
 * - `stream`    — `delta` (streamed answer text before the final `response`).
 * - `tools`     — `tool_call` / `tool_result` (what the assistant is doing in Tallyfy).
 * - `approvals` — `approval_request` / `approval_resolved`, answered by an `approval` message
 *                 (without it the server asks in an `info` and a `yes`/`no` query answers).
 * - `cancel`    — `cancelled` after a client `cancel` (without it a cancel ends with an `info`).
 * - `resume`    — a `resume_token` in `auth_success`, and `resumed` after a client `resume`.
 * - `idle`      — `idle_warning` before the session expires (without it: an `info`).
 * - `questions` — `question` / `question_resolved` (the assistant's `ask_user_*` tools as a card),
 *                 answered by a `question_answer` message (without it the assistant asks in its
 *                 `response` text and the next `query` answers).
 */
export const extensionNames = ['stream', 'tools', 'approvals', 'cancel', 'resume', 'idle', 'questions'] as const;

export const extensionSchema = z.enum(extensionNames);
export type Extension = z.infer<typeof extensionSchema>;

/**
 * A requested extension list: unknown names are dropped (not refused) so that a newer client
 * can talk to an older server; at most 32 names.
 */
export const requestedExtensionsSchema = z
  .array(z.string().max(32))
  .max(32)
  .transform((names) => [...new Set(names)].filter((name): name is Extension => (extensionNames as readonly string[]).includes(name)));

/** Every extension: what the web chat page asks for. */
export const allExtensions: readonly Extension[] = extensionNames;
