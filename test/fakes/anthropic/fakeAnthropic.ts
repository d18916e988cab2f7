import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { demoResponder } from './demoResponder';
import { PromptCache, estimateTokens, type TokenCounter } from './promptCache';
import {
  errorTypeFor,
  type ErrorReply,
  type FakeBlock,
  type FakeMessagesBody,
  type FakeReply,
  type FakeRequest,
  type FakeScript,
  type MessageReply,
} from './replies';
import { isDeferredTool, isSearchTool, loadedTools, references, runToolSearch, searchKind, searchToolTypes } from './toolSearch';

/** Options for {@link startFakeAnthropic}. */
export interface FakeAnthropicOptions {
  /** Port on 127.0.0.1. Default 0 (an ephemeral port). */
  port?: number;
  /** Keys accepted; any other key gets 401. Default: any non-empty key. */
  apiKeys?: string[];
  /** Answers requests when the queue is empty. Default: the demo responder ({@link demoResponder}). */
  fallback?: FakeScript;
  /** Smallest prefix (tokens) the prompt cache keeps. Default 1,024, like the real API for Sonnet. */
  minCacheTokens?: number;
  /** Model id echoed when the request names none. Default `claude-sonnet-5-5`. */
  defaultModel?: string;
  /**
   * Counts the tokens of a text for usage. Default: characters ÷ 4 ({@link estimateTokens}); the bench
   * passes a Claude tokenizer.
   */
  countTokens?: TokenCounter;
  /**
   * A scripted `tool_use` of a deferred tool that no search has loaded yet is preceded by a search
   * for its name, as Claude would search first (the blocks are streamed, the search really runs and
   * must find the tool). Default true, so scripts written for eager tools keep working; false makes
   * such a script a 500 "fake script error".
   */
  autoSearch?: boolean;
}

/** A running fake Messages API. */
export interface FakeAnthropic {
  /** Base URL to give the SDK (`baseURL` / `ANTHROPIC_BASE_URL`), e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Every request received, in order (including refused ones). */
  requests: FakeRequest[];
  /** Requests to `POST /v1/messages` that passed auth and validation. */
  readonly messageRequests: FakeRequest[];
  /** Queues replies, each answering one future request in order. */
  enqueue(...replies: FakeScript[]): void;
  /** Replaces the queue with these replies. */
  script(...replies: FakeScript[]): void;
  /** Sets the responder used when the queue is empty. */
  setFallback(script: FakeScript): void;
  /** Number of queued replies not yet used. */
  readonly pending: number;
  /** Forgets cached prompt prefixes. */
  clearCache(): void;
  /** Stops the server, dropping open connections. */
  close(): Promise<void>;
}

const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Validation like the real API's: a 400 with its wording, or null when the body is acceptable. */
function validate(body: FakeMessagesBody): string | null {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  if (messages[0]?.role !== 'user') return 'messages: first message must use the "user" role';
  let breakpoints = 0;
  const count = (block: unknown): void => {
    if (block && typeof block === 'object' && (block as { cache_control?: unknown }).cache_control) breakpoints++;
  };
  body.tools?.forEach(count);
  if (Array.isArray(body.system)) body.system.forEach(count);
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!message || (message.role !== 'user' && message.role !== 'assistant'))
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) return `messages.${i}.content: Field required`;
    if (Array.isArray(message.content)) message.content.forEach(count);
    const blocks = Array.isArray(message.content) ? message.content : [];
    if (message.role === 'assistant') {
      const ids = blocks.filter((block) => block.type === 'tool_use').map((block) => String(block.id));
      if (ids.length === 0) continue;
      const next = messages[i + 1];
      const answered = new Set(
        next && next.role === 'user' && Array.isArray(next.content)
          ? next.content.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id))
          : [],
      );
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0 && i + 1 < messages.length) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    } else {
      const previous = messages[i - 1];
      const offered = new Set(
        previous && previous.role === 'assistant' && Array.isArray(previous.content)
          ? previous.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id))
          : [],
      );
      for (let j = 0; j < blocks.length; j++) {
        const block = blocks[j];
        if (block?.type === 'tool_result' && !offered.has(String(block.tool_use_id))) {
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
    }
  }
  if (breakpoints > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  return validateToolSearch(body);
}

/**
 * The API's rules for deferred tools: the search tool is never deferred; not every tool may be
 * deferred; deferred tools need a search tool; a `tool_reference` names a tool of the request; a
 * `server_tool_use` of the search tool is answered by its result in the same turn; and a `tool_use`
 * calls a deferred tool only after a search result in the history loaded it.
 */
function validateToolSearch(body: FakeMessagesBody): string | null {
  const tools = body.tools ?? [];
  const searchTool = tools.find(isSearchTool);
  if (searchTool && isDeferredTool(searchTool))
    return `tools: the tool search tool (${searchTool.name}) cannot have defer_loading set; it is what loads the deferred tools.`;
  if (tools.length > 0 && tools.every(isDeferredTool)) return 'All tools have defer_loading set. At least one tool must be non-deferred.';
  const deferred = new Set(tools.filter(isDeferredTool).map((tool) => tool.name));
  if (deferred.size > 0 && !searchTool)
    return 'tools: defer_loading requires a tool search tool (tool_search_tool_bm25_20251119 or tool_search_tool_regex_20251119) in tools.';
  const names = new Set(tools.map((tool) => tool.name));
  const messages = body.messages ?? [];
  for (let i = 0; i < messages.length; i++) {
    const content = messages[i]?.content;
    if (!Array.isArray(content)) continue;
    const searches = new Set<string>();
    for (let j = 0; j < content.length; j++) {
      const block = content[j] as Record<string, unknown>;
      for (const name of references(block)) {
        if (!names.has(name)) return `messages.${i}.content.${j}: Tool reference '${name}' has no corresponding tool definition.`;
      }
      if (block.type === 'server_tool_use') {
        if (messages[i]?.role !== 'assistant')
          return `messages.${i}.content.${j}: server_tool_use blocks are only allowed in assistant messages.`;
        const name = String(block.name);
        if (
          Object.values(searchToolTypes).includes(name as 'tool_search_tool_bm25') &&
          !tools.some((tool) => isSearchTool(tool) && tool.name === name)
        ) {
          return `messages.${i}.content.${j}: server_tool_use of ${name}, which is not in tools.`;
        }
        searches.add(String(block.id));
      }
      if (block.type === 'tool_search_tool_result' && !searches.delete(String(block.tool_use_id))) {
        return `messages.${i}.content.${j}: tool_search_tool_result with no preceding server_tool_use with id ${String(block.tool_use_id)} in the same message.`;
      }
      if (block.type === 'tool_use' && deferred.has(String(block.name)) && !loadedTools(body, i, j).has(String(block.name))) {
        return `messages.${i}.content.${j}: tool_use of '${String(block.name)}', which has defer_loading set and was not loaded by a tool search result earlier in the conversation.`;
      }
    }
    if (searches.size > 0)
      return `messages.${i}: server_tool_use ids were found without tool_search_tool_result blocks after them: ${[...searches].join(', ')}.`;
  }
  return null;
}

/** A scripted reply the fake cannot give as the real model would: a bug in the test, reported as a 500. */
class ScriptError extends Error {}

/** Splits `text` into about `parts` non-empty pieces (at least one). */
function split(text: string, parts: number): string[] {
  if (text.length <= 1) return [text];
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

type OutBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'server_tool_use'; id: string; name: string; input: { query: string }; caller: { type: 'direct' } }
  | {
      type: 'tool_search_tool_result';
      tool_use_id: string;
      content:
        | { type: 'tool_search_tool_search_result'; tool_references: Array<{ type: 'tool_reference'; tool_name: string }> }
        | { type: 'tool_search_tool_result_error'; error_code: string; error_message: string };
    };

/**
 * The reply's blocks as the API would send them: each `tool_search` becomes a `server_tool_use` and
 * its `tool_search_tool_result` (the search really run); a `tool_use` of a deferred tool must come
 * after a search (in the history or earlier in this reply) loaded it, as the real model cannot see it before.
 */
function expandReply(body: FakeMessagesBody, reply: MessageReply, autoSearch: boolean): OutBlock[] {
  const tools = body.tools ?? [];
  const deferred = new Set(tools.filter((tool) => isDeferredTool(tool) && !isSearchTool(tool)).map((tool) => tool.name));
  const loaded = loadedTools(body);
  const out: OutBlock[] = [];
  const blocks = reply.content.flatMap((block): FakeBlock[] =>
    autoSearch &&
    block.type === 'tool_use' &&
    deferred.has(block.name) &&
    !loaded.has(block.name) &&
    !reply.content.some((other) => other.type === 'tool_search')
      ? [{ type: 'tool_search', query: block.name.replace(/_/g, ' ') }, block]
      : [block],
  );
  for (const block of blocks) {
    if (block.type === 'text') out.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_search') {
      const kind = searchKind(body);
      if (!kind) throw new ScriptError('a tool_search block, but the request sent no tool search tool');
      const id = newId('srvtoolu');
      out.push({
        type: 'server_tool_use',
        id,
        name: kind === 'regex' ? 'tool_search_tool_regex' : 'tool_search_tool_bm25',
        input: { query: block.query },
        caller: { type: 'direct' },
      });
      const outcome = runToolSearch(body, block.query);
      if (outcome.ok) {
        for (const name of outcome.names) loaded.add(name);
        out.push({
          type: 'tool_search_tool_result',
          tool_use_id: id,
          content: {
            type: 'tool_search_tool_search_result',
            tool_references: outcome.names.map((name) => ({ type: 'tool_reference' as const, tool_name: name })),
          },
        });
      } else {
        out.push({
          type: 'tool_search_tool_result',
          tool_use_id: id,
          content: { type: 'tool_search_tool_result_error', error_code: outcome.errorCode, error_message: outcome.message },
        });
      }
    } else {
      if (deferred.has(block.name) && !loaded.has(block.name))
        throw new ScriptError(`tool_use of the deferred tool "${block.name}" before a search loaded it`);
      out.push({ type: 'tool_use', id: block.id ?? newId('toolu'), name: block.name, input: block.input });
    }
  }
  return out;
}

/**
 * Starts a loopback server that speaks the Anthropic Messages API wire format (`POST /v1/messages`,
 * JSON and SSE), answering from a per-test script. See test/fakes/anthropic/README.md.
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: FakeRequest[] = [];
  const messageRequests: FakeRequest[] = [];
  let queue: FakeScript[] = [];
  let fallback: FakeScript = options.fallback ?? demoResponder;
  const countTokens: TokenCounter = options.countTokens ?? ((text) => estimateTokens(text.length));
  const cache = new PromptCache(options.minCacheTokens ?? 1024, undefined, countTokens);
  const sockets = new Set<Socket>();
  const accepted = options.apiKeys ? new Set(options.apiKeys) : null;

  const sendError = (res: ServerResponse, reply: ErrorReply): void => {
    const type = reply.type ?? errorTypeFor(reply.status);
    const body = JSON.stringify({
      type: 'error',
      error: { type, message: reply.message ?? type.replace(/_/g, ' ') },
      request_id: newId('req'),
    });
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': newId('req'), ...reply.headers });
    res.end(body);
  };

  const respond = async (req: IncomingMessage, res: ServerResponse, request: FakeRequest, reply: FakeReply): Promise<void> => {
    if (reply.kind !== 'hang' && reply.delayMs) await sleep(reply.delayMs);
    switch (reply.kind) {
      case 'hang':
        return new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'error':
        sendError(res, reply);
        return;
      case 'message':
        return sendMessage(res, request, reply);
    }
  };

  const sendMessage = async (res: ServerResponse, request: FakeRequest, reply: MessageReply): Promise<void> => {
    const body = request.body;
    let content: OutBlock[];
    try {
      content = expandReply(body, reply, options.autoSearch ?? true);
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      sendError(res, { kind: 'error', status: 500, type: 'api_error', message: `fake script error: ${error.message}` });
      return;
    }
    const computed = cache.account(body);
    const model = body.model ?? options.defaultModel ?? 'claude-sonnet-5-5';
    const stopReason = reply.stopReason ?? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
    const outputChars = content.reduce(
      (sum, block) =>
        sum +
        (block.type === 'text'
          ? block.text.length
          : block.type === 'tool_search_tool_result'
            ? 0
            : JSON.stringify(block.input).length + block.name.length),
      0,
    );
    // The model reads what its own searches loaded before it goes on: those definitions are input.
    const loadedInReply = content.flatMap((block) => (block.type === 'tool_search_tool_result' ? [block] : []));
    const searchInput = loadedInReply.length > 0 ? cache.blockTokens(body, loadedInReply) : 0;
    const usage = {
      input_tokens: reply.usage?.input_tokens ?? computed.input_tokens + searchInput,
      cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? computed.cache_creation_input_tokens,
      cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? computed.cache_read_input_tokens,
      output_tokens: reply.usage?.output_tokens ?? Math.max(1, estimateTokens(outputChars)),
    };
    const id = newId('msg');
    const headers = { 'request-id': newId('req'), 'anthropic-organization-id': 'fake-org' };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(
        JSON.stringify({ id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage }),
      );
      return;
    }

    const events: Array<[string, unknown]> = [];
    events.push([
      'message_start',
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    ]);
    content.forEach((block, index) => {
      if (block.type === 'text') {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
        if (index === 0) events.push(['ping', { type: 'ping' }]);
        for (const piece of split(block.text, 3))
          events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
      } else if (block.type === 'tool_search_tool_result') {
        // Server tool results arrive whole in content_block_start, with no deltas.
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: block }]);
        if (index === 0) events.push(['ping', { type: 'ping' }]);
      } else {
        const start =
          block.type === 'server_tool_use' ? { ...block, input: {} } : { type: 'tool_use', id: block.id, name: block.name, input: {} };
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: start }]);
        if (index === 0) events.push(['ping', { type: 'ping' }]);
        for (const piece of ['', ...split(JSON.stringify(block.input), 3)]) {
          events.push([
            'content_block_delta',
            { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } },
          ]);
        }
      }
      events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    });
    events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage }]);
    events.push(['message_stop', { type: 'message_stop' }]);

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
    res.flushHeaders();
    for (let i = 0; i < events.length; i++) {
      if (reply.resetAfterEvents !== undefined && i >= reply.resetAfterEvents) {
        // Let what was written reach the client first, then reset (RST), as a dropped connection does.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(15);
        res.socket?.resetAndDestroy();
        return;
      }
      if (reply.errorAfterEvents && i >= reply.errorAfterEvents.events) {
        const { type, message } = reply.errorAfterEvents;
        res.end(
          `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message: message ?? type.replace(/_/g, ' ') } })}\n\n`,
        );
        return;
      }
      const [name, data] = events[i] as [string, unknown];
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      if (reply.eventDelayMs) await sleep(reply.eventDelayMs);
      if (reply.pause?.afterEvent === i) await sleep(reply.pause.ms);
      if (res.destroyed) return;
    }
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: FakeMessagesBody = {};
    let parsed = true;
    try {
      body = raw ? (JSON.parse(raw) as FakeMessagesBody) : {};
    } catch {
      parsed = false;
    }
    const xApiKey = req.headers['x-api-key'];
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const apiKey = (typeof xApiKey === 'string' && xApiKey) || bearer || null;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const request: FakeRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, apiKey, receivedAt: Date.now() };
    requests.push(request);

    if (req.method !== 'POST' || path !== '/v1/messages') {
      sendError(res, { kind: 'error', status: 404, type: 'not_found_error', message: `Not found: ${req.method} ${path}` });
      return;
    }
    if (!apiKey) {
      sendError(res, { kind: 'error', status: 401, message: 'x-api-key header is required' });
      return;
    }
    if (accepted && !accepted.has(apiKey)) {
      sendError(res, { kind: 'error', status: 401, message: 'invalid x-api-key' });
      return;
    }
    if (!parsed) {
      sendError(res, { kind: 'error', status: 400, message: 'The request body is not valid JSON.' });
      return;
    }
    const invalid = validate(body);
    if (invalid) {
      sendError(res, { kind: 'error', status: 400, message: invalid });
      return;
    }
    messageRequests.push(request);
    const script = queue.shift() ?? fallback;
    const reply = typeof script === 'function' ? await script(request) : script;
    await respond(req, res, request, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, { kind: 'error', status: 500, message: `fake server error: ${String(error)}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    messageRequests,
    enqueue: (...replies) => void queue.push(...replies),
    script: (...replies) => {
      queue = [...replies];
    },
    setFallback: (script) => {
      fallback = script;
    },
    get pending() {
      return queue.length;
    },
    clearCache: () => cache.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
