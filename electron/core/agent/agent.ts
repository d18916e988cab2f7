import { randomUUID } from 'node:crypto';

import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';

import { defaultModel } from '../../../shared/types/models';
import type { Logger } from '../log/logger';
import type { ToolHost } from '../mcp/toolHost';

import { Conversation, type HistoryMessage, type ToolCatalog } from './conversation';
import { directHelp, noApiKeyMessage, parseDirectCommand, type DirectCommand } from './directCommand';
import { AgentError, toAgentError } from './errors';
import { addUsage, emptyUsage, type AgentEvent, type AgentRunResult, type AgentStopReason, type RequestApproval, type ToolCallRecord } from './events';
import { streamRound, type RetryOptions } from './modelRound';
import { loadAnthropicSdk } from './sdk';
import { agentUserSchema, personalContext, sharedInstructions, type AgentUser } from './systemPrompt';
import { loadCatalog, toolLoadingSchema, toolSearchKindSchema } from './toolParams';
import { declinedForModel, declinedForUser, defaultToolResultMaxChars, runToolCalls, type ToolRunContext } from './toolRunner';
import type { AskUser } from './userQuestions';

/** Validated scalar options of {@link createAgent}. */
export const agentSettingsSchema = z.object({
  /** Anthropic API key. Without it the agent answers in direct mode only. */
  apiKey: z.string().min(1).optional(),
  /** API base URL. Default: the SDK's (`ANTHROPIC_BASE_URL`, else https://api.anthropic.com). */
  baseURL: z.url().optional(),
  /** Model id. Default {@link defaultModel}. */
  model: z.string().min(1).default(defaultModel),
  /** Model calls per query before stopping with a message. Default 10. */
  maxRounds: z.int().min(1).max(50).default(10),
  /** `max_tokens` per model call. Default 4,096. */
  maxTokens: z.int().min(1).max(128_000).default(4096),
  /** Which tools ask for approval: `writes` (default, every tool not marked read-only), `all`, `never`. */
  approvalPolicy: z.enum(['writes', 'all', 'never']).default('writes'),
  /**
   * How long an approval may wait (ms) before it counts as a denial. Default: none here, because the
   * approval hook owns the clock (the sessions' `approvalBroker`, 2 minutes); set it for a bare agent.
   */
  approvalTimeoutMs: z.int().min(1).max(3_600_000).optional(),
  /** Cap on one tool result sent to the model (characters). Default 20,000. */
  toolResultMaxChars: z.int().min(200).max(1_000_000).default(defaultToolResultMaxChars),
  /**
   * Shape tool results for the model: empty fields dropped, lists as tables, `meta` as one "N more"
   * line (docs/agent.md). Default true; direct mode (`/tool`) always shows the tool's own output.
   */
  leanToolResults: z.boolean().default(true),
  /** History budget (estimated tokens) for conversations made by `createConversation`. Default 50,000. */
  historyTokenBudget: z.int().min(500).max(1_000_000).default(50_000),
  /**
   * How tools are offered (`GATEWAY_TOOL_LOADING`): `deferred` (default: a small core set eager, the
   * rest behind Anthropic's tool search) or `all` (every tool eager, for models without tool search).
   */
  toolLoading: toolLoadingSchema.default('deferred'),
  /** Tool search variant in `deferred` mode: `bm25` (default) or `regex`. */
  toolSearch: toolSearchKindSchema.default('bm25'),
  /** Retries of a model call after 429/529/5xx/dropped connection. Default 2. */
  maxRetries: z.int().min(0).max(10).default(2),
  /** First retry backoff without `retry-after` (ms). Default 500. */
  retryBaseDelayMs: z.number().min(0).max(60_000).default(500),
  /** Longest `retry-after` the agent waits for (ms); longer goes to the user. Default 30,000. */
  maxRetryDelayMs: z.number().min(0).max(600_000).default(30_000),
});

/** Options of {@link createAgent}: the settings above plus the logger and an optional `fetch`. */
export type AgentOptions = z.input<typeof agentSettingsSchema> & {
  logger: Logger;
  /** `fetch` for the SDK (tests, proxies). Default: the global one. */
  fetch?: typeof fetch;
};

/** One query to answer. */
export interface AgentRunInput {
  conversation: Conversation;
  query: string;
  /** The session's tools (listed once per conversation and host). */
  tools: ToolHost;
  user: AgentUser;
  /** Cancels the model stream and running tools; the run then rejects with `AGENT_CANCELLED`. */
  signal?: AbortSignal;
  /** Gets every {@link AgentEvent} in order; a throwing listener is logged and ignored. */
  onEvent?: (event: AgentEvent) => void;
  /** Asked before a tool that needs approval; without it such tools are denied. */
  requestApproval?: RequestApproval;
  /** Asks the person an `ask_user_*` question in the client's card (see userQuestions.ts); without it the model asks in its reply. */
  askUser?: AskUser;
  /** True for tools that must ask before every call, whatever the approval policy (the admin's `toolPolicy.alwaysAsk`). */
  alwaysAsk?: (toolName: string) => boolean;
  /** The refusal for a tool the admin's tool policy disabled (it is not in `tools`), or undefined for any other name. */
  disabledMessage?: (toolName: string) => string | undefined;
}

/** Claude answering with a session's tools. */
export interface Agent {
  readonly model: string;
  /** False without an API key: only direct mode (/tools, /tool) works. */
  readonly hasApiKey: boolean;
  /** A new conversation with the agent's history budget. */
  createConversation(): Conversation;
  /**
   * Changes the key (`null` removes it), model or approval policy for the queries that start from
   * now on (the admin's settings, applied without a restart). Throws `AGENT_INVALID_INPUT`.
   */
  configure(patch: {
    apiKey?: string | null;
    model?: string;
    approvalPolicy?: z.infer<typeof agentSettingsSchema>['approvalPolicy'];
    /** Applies to conversations whose tool list is built from now on. */
    toolLoading?: z.infer<typeof agentSettingsSchema>['toolLoading'];
  }): void;
  /**
   * Answers one query: direct commands (`/tools`, `/tool NAME {json}`, `/help`) run without the model;
   * anything else goes to Claude with the tools. Rejects with {@link AgentError} (history stays
   * consistent and the conversation usable); the usage spent is added to the conversation either way.
   */
  run(input: AgentRunInput): Promise<AgentRunResult>;
}

const querySchema = z.string().trim().min(1, 'The question is empty.').max(100_000, 'The question is too long (100,000 characters at most).');
const ephemeral = { type: 'ephemeral' } as const;
const stopReasons = new Set<string>(['end_turn', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn']);

/** The history as sent: the last turn's last block carries the rolling cache breakpoint. Copies one turn only. */
function withRollingBreakpoint(messages: readonly HistoryMessage[]): MessageParam[] {
  const out = messages.slice(0, -1) as MessageParam[];
  const last = messages.at(-1);
  if (!last) return out;
  if (typeof last.content === 'string') {
    out.push({ role: last.role, content: [{ type: 'text', text: last.content, cache_control: ephemeral }] });
  } else {
    const blocks = last.content.slice();
    const tail = blocks.pop();
    // Every block type kept in history (text, tool_use, tool_result, server_tool_use,
    // tool_search_tool_result) accepts cache_control.
    if (tail) blocks.push({ ...tail, cache_control: ephemeral } as typeof tail);
    out.push({ role: last.role, content: blocks });
  }
  return out;
}

/** Renders a tool's output for a person: JSON pretty-printed in a fence. */
function renderOutput(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return `\`\`\`json\n${JSON.stringify(JSON.parse(trimmed), null, 2)}\n\`\`\``;
    } catch {
      // not JSON after all: show as is
    }
  }
  return text;
}

/** Creates the agent. Validates the settings (throws `AGENT_INVALID_INPUT` with the reason). */
export function createAgent(options: AgentOptions): Agent {
  const parsed = agentSettingsSchema.safeParse(options);
  if (!parsed.success) throw new AgentError('AGENT_INVALID_INPUT', `Invalid agent settings: ${z.prettifyError(parsed.error)}`);
  let settings = parsed.data;
  const logger = options.logger.child({ component: 'agent' });
  const retry: RetryOptions = { maxRetries: settings.maxRetries, baseDelayMs: settings.retryBaseDelayMs, maxDelayMs: settings.maxRetryDelayMs };
  // Without a key the SDK is never loaded (direct mode); with one it loads in the background now.
  const makeClient = (apiKey: string | undefined): Promise<Anthropic> | null => {
    if (!apiKey) return null;
    const made = loadAnthropicSdk().then(
      (AnthropicClient) =>
        new AnthropicClient({
          apiKey,
          ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
          maxRetries: 0, // the agent retries itself, so it can honour retry-after, report it and stop at a cap
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
    );
    made.catch(() => undefined); // a failed load is reported by the query that awaits it
    return made;
  };
  let client = makeClient(settings.apiKey);

  async function catalogFor(conversation: Conversation, host: ToolHost): Promise<ToolCatalog> {
    // Once per conversation, whatever host object carries the calls (the session may rebuild its host).
    if (conversation.catalog) return conversation.catalog;
    try {
      conversation.catalog = await loadCatalog(host, { loading: settings.toolLoading, search: settings.toolSearch });
    } catch (error) {
      logger.warn({ err: error }, 'listing tools failed');
      throw new AgentError('AGENT_TOOLS_UNAVAILABLE', 'The Tallyfy tools could not be loaded. Check the Tallyfy connection and try again.', true, { cause: error });
    }
    return conversation.catalog;
  }

  function toolContext(input: AgentRunInput, catalog: ToolCatalog, signal: AbortSignal, round: number, emit: (event: AgentEvent) => void, records: ToolCallRecord[]): ToolRunContext {
    return {
      host: input.tools,
      byName: catalog.byName,
      conversation: input.conversation,
      policy: settings.approvalPolicy,
      alwaysAsk: input.alwaysAsk,
      disabledMessage: input.disabledMessage,
      requestApproval: input.requestApproval,
      askUser: input.askUser,
      approvalTimeoutMs: settings.approvalTimeoutMs,
      toolResultMaxChars: settings.toolResultMaxChars,
      leanResults: round > 0 && settings.leanToolResults,
      signal,
      round,
      emit,
      records,
    };
  }

  async function runDirect(command: DirectCommand, input: AgentRunInput, signal: AbortSignal, emit: (event: AgentEvent) => void): Promise<AgentRunResult> {
    const result = (text: string, toolCalls: ToolCallRecord[] = []): AgentRunResult => ({ text, usage: emptyUsage(), rounds: 0, toolCalls, stopReason: 'direct' });
    if (command.kind === 'help') return result(directHelp);
    const catalog = await catalogFor(input.conversation, input.tools);
    if (command.kind === 'tools') {
      if (catalog.infos.length === 0) return result('No tools are available.');
      const lines = catalog.infos.map((info) => {
        const kind = info.annotations?.readOnlyHint === true ? 'read-only' : info.annotations?.destructiveHint ? 'changes or deletes data, asks first' : 'changes data, asks first';
        const summary = info.description.split('\n')[0]?.trim() ?? '';
        return `- \`${info.name}\` (${kind}): ${summary}`;
      });
      return result(`**${catalog.infos.length} tools** — run one with \`/tool NAME {json}\`:\n\n${lines.join('\n')}`);
    }
    if (!catalog.byName.has(command.name)) {
      throw new AgentError('AGENT_UNKNOWN_TOOL', input.disabledMessage?.(command.name) ?? `There is no tool named "${command.name}". Type /tools to list them.`);
    }
    const records: ToolCallRecord[] = [];
    const id = `direct_${randomUUID()}`;
    const [block] = await runToolCalls([{ id, name: command.name, input: command.args }], toolContext(input, catalog, signal, 0, emit, records));
    if (signal.aborted) throw new AgentError('AGENT_CANCELLED', 'Cancelled.');
    const record = records[0];
    const text = typeof block?.content === 'string' ? block.content : '';
    if (record?.outcome === 'ok') return result(renderOutput(text), records);
    if (record?.outcome === 'denied') return result(text === declinedForModel ? declinedForUser : `Not run: ${text}`, records);
    return result(`**${command.name} failed:** ${renderOutput(text)}`, records);
  }

  async function runModel(input: AgentRunInput, api: Anthropic, signal: AbortSignal, emit: (event: AgentEvent) => void, usage: AgentRunResult['usage']): Promise<AgentRunResult> {
    const { conversation } = input;
    const catalog = await catalogFor(conversation, input.tools);
    // The shared instructions carry the breakpoint: tools + instructions are one prefix for every teammate.
    const system: TextBlockParam[] = [
      { type: 'text', text: sharedInstructions, cache_control: ephemeral },
      { type: 'text', text: personalContext(input.user) },
    ];
    const start = conversation.mark();
    const records: ToolCallRecord[] = [];
    const texts: string[] = [];
    let committed = false;
    let partial = '';
    conversation.append({ role: 'user', content: input.query });
    try {
      for (let round = 1; round <= settings.maxRounds; round++) {
        conversation.trim();
        const params: MessageCreateParamsStreaming = {
          model: settings.model,
          max_tokens: settings.maxTokens,
          system,
          messages: withRollingBreakpoint(conversation.messages),
          stream: true,
        };
        if (catalog.params.length > 0) params.tools = catalog.params;
        emit({ type: 'round_started', round });
        partial = '';
        const current = round;
        const reply = await streamRound(
          api,
          params,
          signal,
          retry,
          (text) => {
            partial += text;
            emit({ type: 'text_delta', round: current, text });
          },
          (attempt, delayMs, code) => {
            logger.info({ attempt, delayMs, code }, 'retrying model call');
            emit({ type: 'retrying', round: current, attempt, delayMs, code });
          },
        );
        partial = '';
        addUsage(usage, reply.usage);
        emit({ type: 'round_finished', round, stopReason: reply.stopReason, usage: reply.usage });
        let { content, calls } = reply;
        if (reply.stopReason !== 'tool_use' && calls.length > 0) {
          // Cut off (max_tokens) in the middle of a tool call: drop calls that will never run.
          content = content.filter((block) => block.type !== 'tool_use');
          calls = [];
        }
        if (reply.text) texts.push(reply.text);
        if (content.length > 0) {
          conversation.append({ role: 'assistant', content });
          committed = true;
        }
        if (calls.length === 0) {
          let text = texts.join('\n\n');
          if (reply.stopReason === 'max_tokens') text += `${text ? '\n\n' : ''}_(The answer was cut off at the length limit. Ask me to continue.)_`;
          return { text, usage, rounds: round, toolCalls: records, stopReason: stopReasons.has(reply.stopReason) ? (reply.stopReason as AgentStopReason) : 'end_turn' };
        }
        const results = await runToolCalls(calls, toolContext(input, catalog, signal, round, emit, records));
        conversation.append({ role: 'user', content: results });
        if (signal.aborted) throw new AgentError('AGENT_CANCELLED', 'Cancelled.');
      }
      const notice = `I stopped after ${settings.maxRounds} rounds of tool calls without a final answer. Ask a narrower question, or ask me to continue.`;
      emit({ type: 'text_delta', round: settings.maxRounds, text: `${texts.length ? '\n\n' : ''}${notice}` });
      conversation.append({ role: 'assistant', content: notice });
      texts.push(notice);
      return { text: texts.join('\n\n'), usage, rounds: settings.maxRounds, toolCalls: records, stopReason: 'max_rounds' };
    } catch (caught) {
      const error = toAgentError(caught);
      if (error.code === 'AGENT_CANCELLED' && partial) {
        conversation.append({ role: 'assistant', content: `${partial}\n\n_(cancelled by the user)_` });
      } else if (!committed) {
        conversation.rollback(start);
      }
      conversation.closeDanglingToolUse(error.code === 'AGENT_CANCELLED' ? 'Cancelled by the user before this tool ran.' : 'Not run: the query failed.');
      throw error;
    }
  }

  return {
    get model() {
      return settings.model;
    },
    get hasApiKey() {
      return client !== null;
    },
    createConversation: () => new Conversation(settings.historyTokenBudget),
    configure(patch) {
      const { apiKey, ...rest } = patch;
      const next = agentSettingsSchema.safeParse({ ...settings, ...rest, apiKey: apiKey === null ? undefined : (apiKey ?? settings.apiKey) });
      if (!next.success) throw new AgentError('AGENT_INVALID_INPUT', `Invalid agent settings: ${z.prettifyError(next.error)}`);
      const keyChanged = next.data.apiKey !== settings.apiKey;
      settings = next.data;
      if (keyChanged) client = makeClient(settings.apiKey);
    },
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      const query = querySchema.safeParse(input.query);
      if (!query.success) throw new AgentError('AGENT_INVALID_INPUT', query.error.issues[0]?.message ?? 'Invalid question.');
      const user = agentUserSchema.safeParse(input.user);
      if (!user.success) throw new AgentError('AGENT_INVALID_INPUT', `Invalid user: ${z.prettifyError(user.error)}`);
      const { conversation } = input;
      if (conversation.busy) throw new AgentError('AGENT_BUSY', 'Still answering the previous question. Wait for it, or cancel it first.');
      conversation.busy = true;
      const signal = input.signal ?? new AbortController().signal;
      const listener = input.onEvent;
      const emit = (event: AgentEvent): void => {
        if (!listener) return;
        try {
          listener(event);
        } catch (error) {
          logger.warn({ err: error, event: event.type }, 'agent event listener threw');
        }
      };
      const usage = emptyUsage();
      const started = performance.now();
      try {
        if (signal.aborted) throw new AgentError('AGENT_CANCELLED', 'Cancelled.');
        const normalized = { ...input, query: query.data, user: user.data };
        const command = parseDirectCommand(query.data);
        if (command) return await runDirect(command, normalized, signal, emit);
        if (!client) return { text: noApiKeyMessage, usage, rounds: 0, toolCalls: [], stopReason: 'no_api_key' };
        conversation.queries++;
        return await runModel(normalized, await client, signal, emit, usage);
      } catch (error) {
        const agentError = toAgentError(error);
        logger.info({ code: agentError.code, cause: agentError.cause }, 'query failed');
        throw agentError;
      } finally {
        conversation.addUsage(usage);
        conversation.busy = false;
        logger.debug({ ms: Math.round(performance.now() - started), usage }, 'query done');
      }
    },
  };
}
