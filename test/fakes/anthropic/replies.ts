import type { IncomingHttpHeaders } from 'node:http';

import { tableItems } from '../../../electron/core/mcp/toolOutput';

/** One request as the fake received it. */
export interface FakeRequest {
  method: string;
  path: string;
  /** Headers as received (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`undefined` when it did not parse). */
  body: FakeMessagesBody;
  /** The API key the request carried (`x-api-key` or `Authorization: Bearer`), or null. */
  apiKey: string | null;
  /** When it arrived (ms since epoch). */
  receivedAt: number;
}

/** The parts of a Messages API request body the fake looks at. */
export interface FakeMessagesBody {
  model?: string;
  max_tokens?: number;
  stream?: boolean;
  system?: string | Array<{ type: 'text'; text: string; cache_control?: unknown }>;
  tools?: FakeTool[];
  messages?: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
  [key: string]: unknown;
}

/** One entry of a request's `tools`: a custom tool, or a server tool such as the tool search tool (`type`). */
export interface FakeTool {
  name: string;
  type?: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  cache_control?: unknown;
  defer_loading?: boolean;
}

/**
 * A content block the scripted assistant replies with. `tool_search` runs the request's tool search
 * tool over its deferred tools (as the API does server-side) and streams the `server_tool_use` and
 * `tool_search_tool_result` blocks; a later `tool_use` in the same reply may call what it found.
 */
export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string }
  | { type: 'tool_search'; query: string };

/** A scripted successful reply. */
export interface MessageReply {
  kind: 'message';
  content: FakeBlock[];
  /** Default: `tool_use` when a tool_use block is present, else `end_turn`. */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';
  /** Overrides for the computed usage. */
  usage?: Partial<{ input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }>;
  /** Wait this long before the response starts (ms). Default 0. */
  delayMs?: number;
  /** Wait this long between SSE events (ms). Default 0. */
  eventDelayMs?: number;
  /** Streaming only: after the SSE event at index `afterEvent` (0 = message_start), wait `ms` before the next. */
  pause?: { afterEvent: number; ms: number };
  /** Streaming only: destroy the socket after this many SSE events (a connection reset mid-stream). */
  resetAfterEvents?: number;
  /** Streaming only: send an `error` event (e.g. `overloaded_error`) after this many events, then end. */
  errorAfterEvents?: { events: number; type: string; message?: string };
}

/** A scripted error response. */
export interface ErrorReply {
  kind: 'error';
  status: number;
  /** `error.type`, e.g. `rate_limit_error`. Default from the status. */
  type?: string;
  message?: string;
  /** Extra headers, e.g. `{ 'retry-after': '1' }`. */
  headers?: Record<string, string>;
  delayMs?: number;
}

/** Destroys the connection without answering (before any byte of the response). */
export interface ResetReply {
  kind: 'reset';
  delayMs?: number;
}

/** Never answers until the client gives up or the server closes. */
export interface HangReply {
  kind: 'hang';
}

export type FakeReply = MessageReply | ErrorReply | ResetReply | HangReply;

/** A reply, or a function of the request that returns one (to echo tool results, count calls…). */
export type FakeScript = FakeReply | ((request: FakeRequest) => FakeReply | Promise<FakeReply>);

/** A text-only reply. */
export function textReply(text: string, options: Omit<MessageReply, 'kind' | 'content'> = {}): MessageReply {
  return { kind: 'message', content: [{ type: 'text', text }], ...options };
}

/** A reply asking for one or more tools, optionally preceded by text. */
export function toolReply(
  calls: Array<{ name: string; input: Record<string, unknown>; id?: string }>,
  text?: string,
  options: Omit<MessageReply, 'kind' | 'content'> = {},
): MessageReply {
  const content: FakeBlock[] = [];
  if (text) content.push({ type: 'text', text });
  for (const call of calls) content.push({ type: 'tool_use', ...call });
  return { kind: 'message', content, ...options };
}

/**
 * A reply that searches for tools first (one `tool_search` block per query), then calls `calls`
 * (which may name tools the searches load), optionally after `text`.
 */
export function searchReply(
  queries: string | string[],
  calls: Array<{ name: string; input: Record<string, unknown>; id?: string }>,
  text?: string,
  options: Omit<MessageReply, 'kind' | 'content'> = {},
): MessageReply {
  const content: FakeBlock[] = [];
  if (text) content.push({ type: 'text', text });
  for (const query of Array.isArray(queries) ? queries : [queries]) content.push({ type: 'tool_search', query });
  for (const call of calls) content.push({ type: 'tool_use', ...call });
  return { kind: 'message', content, ...options };
}

/** An API error reply with the real status and `error.type`. */
export function errorReply(status: number, options: Omit<ErrorReply, 'kind' | 'status'> = {}): ErrorReply {
  return { kind: 'error', status, ...options };
}

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The real `error.type` for an HTTP status. */
export function errorTypeFor(status: number): string {
  return errorTypes[status] ?? 'api_error';
}

/** The tool_result blocks in the request's last user message. */
export function lastToolResults(request: FakeRequest): Array<{ tool_use_id: string; content: string; is_error: boolean }> {
  const last = request.body.messages?.at(-1);
  if (!last || last.role !== 'user' || typeof last.content === 'string') return [];
  const out: Array<{ tool_use_id: string; content: string; is_error: boolean }> = [];
  for (const block of last.content) {
    if (block.type !== 'tool_result') continue;
    const content = block.content;
    let text = '';
    if (typeof content === 'string') text = content;
    else if (Array.isArray(content))
      text = content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
    out.push({ tool_use_id: String(block.tool_use_id), content: text, is_error: block.is_error === true });
  }
  return out;
}

/** The text of the request's last user message (its text blocks joined), or ''. */
export function lastUserText(request: FakeRequest): string {
  const last = request.body.messages?.at(-1);
  if (!last || last.role !== 'user') return '';
  if (typeof last.content === 'string') return last.content;
  return last.content
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text as string)
    .join('\n');
}

/**
 * The items of a listing tool's JSON result, as a model reads them whatever the shape: a plain list,
 * `{ data: [...] }`, or the agent's lean table (`{ columns, rows, all }`, possibly under `data`).
 * The first list found (depth-first) when the result nests several; [] for text that is not JSON.
 */
export function resultItems(text: string): Array<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const find = (node: unknown, depth: number): Array<Record<string, unknown>> | undefined => {
    if (depth > 4 || !node || typeof node !== 'object') return undefined;
    if (Array.isArray(node) || ('columns' in node && 'rows' in node)) return tableItems(node);
    const record = node as Record<string, unknown>;
    if ('data' in record) return find(record.data, depth + 1);
    for (const inner of Object.values(record)) {
      const found = find(inner, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return find(value, 0) ?? [];
}
