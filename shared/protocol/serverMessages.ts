import { z } from 'zod';

import { authErrorCodes, errorCodes } from './errorCodes';
import { extensionSchema } from './extensions';

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string().optional(),
});
const orgSchema = z.object({ id: z.string(), name: z.string().optional() });

// ---- The original server's messages: every client understands these. ----

export const connectionEstablishedSchema = z.object({
  type: z.literal('connection_established'),
  session_id: z.string(),
  message: z.string(),
  /** Extensions this server offers (a hint; ignored by old clients). */
  extensions: z.array(extensionSchema).optional(),
  /** True when `auth` must carry `access_code`. */
  access_code_required: z.boolean().optional(),
});

export const authSuccessSchema = z.object({
  type: z.literal('auth_success'),
  message: z.string(),
  session_id: z.string(),
  user: userSchema,
  org: orgSchema,
  /** The extensions in force for this session. */
  extensions: z.array(extensionSchema).optional(),
  /** Extension `resume`: present it in a `resume` after a reconnect. Keep it like a password. */
  resume_token: z.string().optional(),
});

export const authErrorSchema = z.object({
  type: z.literal('auth_error'),
  message: z.string(),
  code: z.enum(authErrorCodes),
});

export const processingSchema = z.object({
  type: z.literal('processing'),
  message: z.string(),
  query_id: z.string().optional(),
});

export const responseSchema = z.object({
  type: z.literal('response'),
  /** Markdown. */
  content: z.string(),
  query_id: z.string().optional(),
});

export const infoSchema = z.object({
  type: z.literal('info'),
  message: z.string(),
  /** Machine-readable reason, e.g. `history_cleared`, `approval_needed`, `retrying`, `goodbye`, `shutdown`. */
  code: z.string().optional(),
  /** The query this notice is about (`retrying`). */
  query_id: z.string().optional(),
  /** `retrying`: how long until the assistant tries again, ms. */
  retry_in_ms: z.number().optional(),
});

export const errorSchema = z.object({
  type: z.literal('error'),
  message: z.string(),
  code: z.enum(errorCodes),
  query_id: z.string().optional(),
  /**
   * The precise cause behind `code`, when known: an agent code (`AGENT_OVERLOADED`,
   * `AGENT_RATE_LIMITED`, …) under `AGENT_FAILED`, a Tallyfy code under `TALLYFY_ERROR`.
   * Informational; clients switch on `code`.
   */
  detail_code: z.string().optional(),
});

export const pongSchema = z.object({ type: z.literal('pong') });

// ---- Extensions: sent only to clients that asked for them. ----

export const welcomeSchema = z.object({
  type: z.literal('welcome'),
  session_id: z.string(),
  extensions: z.array(extensionSchema),
});

export const deltaSchema = z.object({
  type: z.literal('delta'),
  query_id: z.string(),
  text: z.string(),
});

export const toolCallSchema = z.object({
  type: z.literal('tool_call'),
  query_id: z.string(),
  call_id: z.string(),
  tool: z.string(),
  /** Human title of the tool, when it has one. */
  title: z.string().optional(),
  /** Arguments, shortened and with secrets redacted. */
  args: z.record(z.string(), z.unknown()),
  /**
   * `awaiting_approval` when the call waits for the user's yes (it runs once an `approval_resolved`
   * with the same `call_id` says approved); absent or `running` when it is running. Still one
   * `tool_call` and one `tool_result` per call.
   */
  status: z.enum(['awaiting_approval', 'running']).optional(),
});

export const toolResultSchema = z.object({
  type: z.literal('tool_result'),
  query_id: z.string(),
  call_id: z.string(),
  tool: z.string(),
  status: z.enum(['ok', 'error', 'denied', 'cancelled']),
  duration_ms: z.number(),
  /** A short description of the outcome (an error's message); never the raw data. */
  summary: z.string().optional(),
});

export const approvalRequestSchema = z.object({
  type: z.literal('approval_request'),
  request_id: z.string(),
  query_id: z.string(),
  tool: z.string(),
  title: z.string().optional(),
  args: z.record(z.string(), z.unknown()),
  /** True when the tool deletes or irreversibly changes data. */
  destructive: z.boolean(),
  /** The question, in words. */
  message: z.string(),
  /** The `tool_call` this question is about (extension `tools`). */
  call_id: z.string().optional(),
  /** True when the answer may be `always: true`: allow this tool for the rest of the session. */
  allow_always: z.boolean().optional(),
});

export const approvalResolvedSchema = z.object({
  type: z.literal('approval_resolved'),
  request_id: z.string(),
  approved: z.boolean(),
  /** Why it ended: the user's answer, a cancel, or the query ending. */
  reason: z.enum(['answered', 'cancelled', 'timeout']),
  /** The `tool_call` it was about. */
  call_id: z.string().optional(),
  /** True when the tool is now allowed for the rest of the session. */
  always: z.boolean().optional(),
});

/** One field of a `question` form (extension `questions`). */
export const questionFieldSchema = z.object({
  /** Key of the answer in `question_answer.answers`. */
  name: z.string(),
  label: z.string().optional(),
  type: z.enum(['text', 'textarea', 'number', 'boolean', 'select', 'multiselect', 'date', 'email']),
  required: z.boolean(),
  /** Choices for `select` and `multiselect`. */
  options: z.array(z.string()).optional(),
});
export type QuestionField = z.infer<typeof questionFieldSchema>;

/**
 * Extension `questions`: the assistant asks the person (its `ask_user_question`, `ask_user_to_rank`
 * or `ask_user_to_confirm` tool). `ui` says which card: a form of `fields`, a ranking of `items`
 * (first = top), or a yes/no confirmation. Answered by `question_answer`; ends with `question_resolved`.
 */
export const questionSchema = z.object({
  type: z.literal('question'),
  request_id: z.string(),
  query_id: z.string(),
  ui: z.enum(['question', 'rank', 'confirm']),
  question: z.string(),
  header: z.string().optional(),
  /** For `confirm`: what exactly will happen. */
  details: z.string().optional(),
  fields: z.array(questionFieldSchema).optional(),
  items: z.array(z.string()).optional(),
  submit_label: z.string().optional(),
  confirm_label: z.string().optional(),
  cancel_label: z.string().optional(),
  /** The `tool_call` this question belongs to (extension `tools`). */
  call_id: z.string().optional(),
});

export const questionResolvedSchema = z.object({
  type: z.literal('question_resolved'),
  request_id: z.string(),
  /** `answered` (or declined) by the person, `cancelled` with the query, `timeout` when nobody answered in time. */
  reason: z.enum(['answered', 'cancelled', 'timeout']),
  call_id: z.string().optional(),
});

export const cancelledSchema = z.object({
  type: z.literal('cancelled'),
  query_id: z.string(),
  message: z.string(),
});

/** A tool call of an answer, as `resumed` replays it (no arguments, no data). */
export const transcriptToolSchema = z.object({
  call_id: z.string(),
  tool: z.string(),
  title: z.string().optional(),
  status: z.enum(['running', 'ok', 'error', 'denied', 'cancelled']),
  duration_ms: z.number().optional(),
});
export type TranscriptTool = z.infer<typeof transcriptToolSchema>;

/** One entry of the visible conversation, as `resumed` replays it. */
export const transcriptEntrySchema = z.object({
  role: z.enum(['user', 'assistant', 'info', 'error']),
  content: z.string(),
  query_id: z.string().optional(),
  at: z.number(),
  /** The tool calls behind an assistant answer. */
  tools: z.array(transcriptToolSchema).optional(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

export const resumedSchema = z.object({
  type: z.literal('resumed'),
  session_id: z.string(),
  message: z.string(),
  user: userSchema,
  org: orgSchema,
  extensions: z.array(extensionSchema),
  /** A fresh token for the next resume (the old one is spent). */
  resume_token: z.string(),
  /** The visible conversation so far, oldest first (answers that arrived while away included). */
  transcript: z.array(transcriptEntrySchema),
  /** The query still running, if any; its events follow on this connection. */
  running_query_id: z.string().optional(),
});

export const idleWarningSchema = z.object({
  type: z.literal('idle_warning'),
  message: z.string(),
  /** When the session will close, ms since the epoch. */
  expires_at: z.number(),
  seconds_left: z.number(),
});

/** Every server message, original and extension. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  connectionEstablishedSchema,
  authSuccessSchema,
  authErrorSchema,
  processingSchema,
  responseSchema,
  infoSchema,
  errorSchema,
  pongSchema,
  welcomeSchema,
  deltaSchema,
  toolCallSchema,
  toolResultSchema,
  approvalRequestSchema,
  approvalResolvedSchema,
  questionSchema,
  questionResolvedSchema,
  cancelledSchema,
  resumedSchema,
  idleWarningSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerMessageType = ServerMessage['type'];
/** The server message of one `type`. */
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;

/** The types the original Python server sent: the only ones an extension-less client receives. */
export const originalServerTypes = [
  'connection_established',
  'auth_success',
  'auth_error',
  'processing',
  'response',
  'info',
  'error',
  'pong',
] as const satisfies readonly ServerMessageType[];
