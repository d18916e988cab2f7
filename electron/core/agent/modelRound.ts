import type Anthropic from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
  ServerToolUseBlockParam,
  TextBlockParam,
  ToolSearchToolResultBlockParam,
  ToolUseBlockParam,
} from '@anthropic-ai/sdk/resources/messages/messages';

import { retryAfterMs, retryDelayMs, sleep, type RetryPolicy } from '../net/retry';

import { AgentError, toAgentError } from './errors';
import { emptyUsage, type AgentUsage } from './events';

/** A tool call the model asked for; `inputError` is set when its JSON did not parse. */
export interface RequestedCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  inputError?: string;
}

/** A block of an assistant turn as the agent keeps it in history. */
export type AssistantBlock = TextBlockParam | ToolUseBlockParam | ServerToolUseBlockParam | ToolSearchToolResultBlockParam;

/** One streamed model reply. */
export interface RoundReply {
  /**
   * The assistant turn to keep in history: text, tool_use, and the tool search's server_tool_use and
   * tool_search_tool_result blocks exactly as the API sent them, in order (the API needs them back).
   */
  content: AssistantBlock[];
  /** Tool names the searches of this reply loaded. */
  searched: string[];
  text: string;
  calls: RequestedCall[];
  stopReason: string;
  usage: AgentUsage;
}

/**
 * Retry settings for {@link streamRound} (net/retry.ts): `maxRetries` after a 429, 529, 5xx or a
 * dropped connection before any text was streamed (default 2); backoff from `baseDelayMs` (default
 * 500); a `retry-after` longer than `maxRetryAfterMs` is not waited for: the error goes to the user.
 */
export type RetryOptions = RetryPolicy;

type Open =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; name: string; json: string }
  | { kind: 'search'; block: ServerToolUseBlockParam; json: string }
  | { kind: 'searchResult'; block: ToolSearchToolResultBlockParam }
  | { kind: 'other' };

/** The block as the history keeps it: what the API sent at `content_block_start`. */
function openBlock(block: Extract<RawMessageStreamEvent, { type: 'content_block_start' }>['content_block']): Open {
  switch (block.type) {
    case 'text':
      return { kind: 'text', text: block.text };
    case 'tool_use':
      return { kind: 'tool', id: block.id, name: block.name, json: '' };
    case 'server_tool_use':
      return { kind: 'search', block: { ...block } as ServerToolUseBlockParam, json: '' };
    case 'tool_search_tool_result':
      return { kind: 'searchResult', block: { ...block } as ToolSearchToolResultBlockParam };
    default:
      return { kind: 'other' };
  }
}

function readUsage(
  target: AgentUsage,
  usage: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
  },
): void {
  if (typeof usage.input_tokens === 'number') target.inputTokens = usage.input_tokens;
  if (typeof usage.output_tokens === 'number') target.outputTokens = usage.output_tokens;
  if (typeof usage.cache_read_input_tokens === 'number') target.cacheReadTokens = usage.cache_read_input_tokens;
  if (typeof usage.cache_creation_input_tokens === 'number') target.cacheWriteTokens = usage.cache_creation_input_tokens;
}

/**
 * Streams one model reply from the raw SSE events (no snapshot rebuilding, tool input parsed once
 * per block). `onText` gets each text delta as it arrives. Throws {@link AgentError}; `streamed`
 * tells the caller whether any text reached `onText` before a failure.
 */
async function streamOnce(
  client: Anthropic,
  params: MessageCreateParamsStreaming,
  signal: AbortSignal,
  onText: (text: string) => void,
  progress: { streamed: boolean },
): Promise<RoundReply> {
  const usage = emptyUsage();
  const blocks: Open[] = [];
  let stopReason = '';
  let finished = false;
  try {
    const stream = await client.messages.create(params, { signal });
    for await (const event of stream as AsyncIterable<RawMessageStreamEvent>) {
      switch (event.type) {
        case 'message_start':
          readUsage(usage, event.message.usage);
          break;
        case 'content_block_start': {
          blocks[event.index] = openBlock(event.content_block);
          break;
        }
        case 'content_block_delta': {
          const open = blocks[event.index];
          if (event.delta.type === 'text_delta' && open?.kind === 'text') {
            open.text += event.delta.text;
            progress.streamed = true;
            onText(event.delta.text);
          } else if (event.delta.type === 'input_json_delta' && (open?.kind === 'tool' || open?.kind === 'search')) {
            open.json += event.delta.partial_json;
          }
          break;
        }
        case 'message_delta':
          if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
          readUsage(usage, event.usage);
          break;
        case 'message_stop':
          finished = true;
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (signal.aborted) throw new AgentError('AGENT_CANCELLED', 'Cancelled.', false, { cause: error });
    throw toAgentError(error);
  }
  // The SDK ends iteration quietly on abort; a stream without message_stop was cut off.
  if (signal.aborted) throw new AgentError('AGENT_CANCELLED', 'Cancelled.');
  if (!finished)
    throw new AgentError(
      'AGENT_CONNECTION_LOST',
      'The connection to Anthropic dropped in the middle of the answer. Please ask again.',
      true,
    );

  const content: AssistantBlock[] = [];
  const calls: RequestedCall[] = [];
  const searched: string[] = [];
  let text = '';
  for (const block of blocks) {
    if (!block || block.kind === 'other') continue;
    if (block.kind === 'search') {
      let input: unknown = block.block.input ?? {};
      try {
        if (block.json !== '') input = JSON.parse(block.json);
      } catch {
        // A server tool's input comes from the API itself; keep what content_block_start said.
      }
      content.push({ ...block.block, input });
      continue;
    }
    if (block.kind === 'searchResult') {
      content.push(block.block);
      const result = block.block.content;
      if (result.type === 'tool_search_tool_search_result')
        searched.push(...result.tool_references.map((reference) => reference.tool_name));
      continue;
    }
    if (block.kind === 'text') {
      if (block.text === '') continue;
      content.push({ type: 'text', text: block.text });
      text += block.text;
      continue;
    }
    let input: Record<string, unknown> = {};
    let inputError: string | undefined;
    try {
      const parsed: unknown = block.json === '' ? {} : JSON.parse(block.json);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
      else inputError = 'The tool input must be a JSON object.';
    } catch {
      inputError = 'The tool input was not valid JSON (the answer may have been cut off).';
    }
    content.push({ type: 'tool_use', id: block.id, name: block.name, input });
    calls.push(inputError ? { id: block.id, name: block.name, input, inputError } : { id: block.id, name: block.name, input });
  }
  return { content, searched, text, calls, stopReason, usage };
}

/**
 * One model round with bounded retries: 429 (after `retry-after`), 529, 5xx and dropped connections
 * are retried when no text has been streamed yet; anything else, or running out of retries, throws
 * an {@link AgentError}. `onRetry` is told before each wait.
 */
export async function streamRound(
  client: Anthropic,
  params: MessageCreateParamsStreaming,
  signal: AbortSignal,
  retry: RetryOptions,
  onText: (text: string) => void,
  onRetry: (attempt: number, delayMs: number, code: string) => void,
): Promise<RoundReply> {
  for (let attempt = 0; ; attempt++) {
    const progress = { streamed: false };
    try {
      return await streamOnce(client, params, signal, onText, progress);
    } catch (caught) {
      const error = toAgentError(caught);
      if (!error.retryable || progress.streamed || attempt >= retry.maxRetries || signal.aborted) throw error;
      const cause = error.cause as { headers?: Headers } | undefined;
      const delayMs = retryDelayMs(retry, attempt + 1, retryAfterMs(cause?.headers));
      if (delayMs === undefined) throw error;
      onRetry(attempt + 1, delayMs, error.code);
      await sleep(delayMs, signal).catch(() => {
        throw new AgentError('AGENT_CANCELLED', 'Cancelled.');
      });
    }
  }
}
