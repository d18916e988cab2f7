import { z } from 'zod';

import { requestedExtensionsSchema } from './extensions';

/** Longest query text accepted, in characters. */
export const maxQueryLength = 16_000;

const idSchema = z.string().min(1).max(100);

/** Original: sign in with the teammate's own Tallyfy token and organization id. */
export const authMessageSchema = z.object({
  type: z.literal('auth'),
  // Pasted credentials often carry a stray space or newline; org ids are lowercase hex in Tallyfy.
  api_key: z.string().trim().min(1, 'api_key is required').max(4096),
  org_id: z.string().trim().toLowerCase().min(1, 'org_id is required').max(100),
  /** Needed when the gateway is shared on the network. */
  access_code: z.string().max(128).optional(),
  /** Opt-in extensions (see extensions.ts); unknown names are ignored. */
  extensions: requestedExtensionsSchema.optional(),
  /** Free-form client name for the admin view, e.g. `web`. */
  client: z.string().max(64).optional(),
});

/** Extension: the desk user's own pane signs in with the core's local token (loopback only). */
export const authLocalMessageSchema = z.object({
  type: z.literal('auth_local'),
  local_token: z.string().min(1).max(256),
  extensions: requestedExtensionsSchema.optional(),
});

/** Extension: negotiate extensions before or after `auth`; answered by `welcome`. */
export const helloMessageSchema = z.object({
  type: z.literal('hello'),
  extensions: requestedExtensionsSchema,
  client: z.string().max(64).optional(),
});

/** Original: a question or command. `clear` empties the history, `quit` closes the connection. */
export const queryMessageSchema = z.object({
  type: z.literal('query'),
  content: z.string().min(1, 'content is empty').max(maxQueryLength, 'content is longer than 16000 characters'),
  /** Echoed in the events of this query; the server picks one when absent. */
  query_id: idSchema.optional(),
});

/** Original: application-level keep-alive; answered by `pong`. */
export const pingMessageSchema = z.object({ type: z.literal('ping') });

/**
 * Extension `approvals`: the answer to an `approval_request`. `always: true` with `approved: true`
 * also allows this tool for the rest of the session (only when the request said `allow_always`;
 * otherwise it counts as a plain allow). Ignored with `approved: false`.
 */
export const approvalMessageSchema = z.object({
  type: z.literal('approval'),
  request_id: idSchema,
  approved: z.boolean(),
  always: z.boolean().optional(),
});

/**
 * Extension `questions`: the answer to a `question`. `answered: false` declines. With `true`: `answers`
 * (field name → value) for a form, `ranking` (every item once, first = top) for a ranking,
 * `confirmed` for a confirmation.
 */
export const questionAnswerMessageSchema = z.object({
  type: z.literal('question_answer'),
  request_id: idSchema,
  answered: z.boolean(),
  answers: z
    .record(z.string().max(64), z.union([z.string().max(4000), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]))
    .optional(),
  ranking: z.array(z.string().max(200)).max(10).optional(),
  confirmed: z.boolean().optional(),
});

/** Extension `cancel`: stop the running query. */
export const cancelMessageSchema = z.object({
  type: z.literal('cancel'),
  query_id: idSchema.optional(),
});

/** Extension `resume`: reattach a new connection to an earlier session (instead of `auth`). */
export const resumeMessageSchema = z.object({
  type: z.literal('resume'),
  session_id: idSchema,
  resume_token: z.string().min(1).max(256),
  extensions: requestedExtensionsSchema.optional(),
  /**
   * Cluster mode: the teammate's Tallyfy key again, for a node that does not hold the session (its
   * node died). With `org_id`, the node checks the token and that the key is the same user and org,
   * then restores the conversation kept in Redis. Without them such a node answers `error`
   * `RESUME_NEEDS_SIGN_IN`. Ignored by the node that holds the session.
   */
  api_key: z.string().trim().min(1, 'api_key is empty').max(4096).optional(),
  org_id: z.string().trim().toLowerCase().min(1, 'org_id is empty').max(100).optional(),
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  authMessageSchema,
  authLocalMessageSchema,
  helloMessageSchema,
  queryMessageSchema,
  pingMessageSchema,
  approvalMessageSchema,
  questionAnswerMessageSchema,
  cancelMessageSchema,
  resumeMessageSchema,
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
/** What a client writes (extensions may be given as plain strings). */
export type ClientMessageInput = z.input<typeof clientMessageSchema>;
export type AuthMessage = z.infer<typeof authMessageSchema>;
export type QueryMessage = z.infer<typeof queryMessageSchema>;
export type ResumeMessage = z.infer<typeof resumeMessageSchema>;

export type ClientMessageType = ClientMessage['type'];
/** Every client `type` (read from the schema), to tell an unknown type from a malformed known one. */
export const clientMessageTypes: readonly ClientMessageType[] = clientMessageSchema.options.map((option) => option.shape.type.value);

/** Query contents the server treats as commands (compared trimmed, case-insensitively). */
export const queryCommands = { clear: 'clear', quit: 'quit' } as const;

/** Query contents that answer a plain-text approval question (compared trimmed, case-insensitively). */
export const approvalAnswers = {
  yes: ['yes', 'y', 'approve', 'ok', 'allow'],
  no: ['no', 'n', 'deny', 'reject', 'cancel'],
  /** Yes, and do not ask again for this tool in this session (a plain yes when the server cannot remember it). */
  always: ['always', 'always allow', 'allow always', 'yes always'],
} as const;
