import { z } from 'zod';

import type { Agent, AgentEvent, AgentUser, HistoryMessage } from '../agent';
import type { ToolHost, ToolInfo } from '../mcp/toolHost';

import type { EngineConversation, Identity, QueryEngine, QueryEvent, RunInput, UserQuestion } from './engine';

/**
 * A tool host that builds the session's real one only when a tool is called (listing is
 * answered from a shared cache when one is known), so a session that only chats never costs a
 * tool server (toolchain.md §10).
 */
function lazyToolHost(input: RunInput, listCache: { tools?: ToolInfo[] }, rules: ToolRules | undefined): ToolHost {
  return {
    async listTools() {
      const tools = listCache.tools ?? (await (await input.tools()).listTools());
      listCache.tools = tools;
      // The admin's tool policy: a disabled tool is never offered to the model.
      return rules ? tools.filter((tool) => !rules.disabled.has(tool.name)) : tools;
    },
    async callTool(name, args, signal) {
      if (rules?.disabled.has(name)) return { isError: true, text: rules.refusal(name) };
      return (await input.tools()).callTool(name, args, signal);
    },
    async close() {
      // The session owns the real host and releases it itself.
    },
  };
}

/** Translates the agent's events into the session's. */
function forward(event: AgentEvent, emit: (event: QueryEvent) => void, started: Set<string>): void {
  switch (event.type) {
    case 'text_delta':
      emit({ kind: 'delta', text: event.text });
      return;
    case 'approval_requested':
      // Shown as a chip awaiting approval; `tool_started` (same id) marks it running.
      emit({
        kind: 'tool_pending',
        callId: event.toolId,
        tool: event.toolName,
        args: event.input,
        ...(event.hints.title ? { title: event.hints.title } : {}),
      });
      return;
    case 'retrying':
      emit({ kind: 'retrying', attempt: event.attempt, delayMs: event.delayMs });
      return;
    case 'tool_started':
      started.add(event.id);
      emit({ kind: 'tool_start', callId: event.id, tool: event.name, args: event.input });
      return;
    case 'tool_finished':
      emit({ kind: 'tool_end', callId: event.id, tool: event.name, status: event.isError ? 'error' : 'ok', durationMs: event.durationMs });
      return;
    case 'tool_failed':
      emit({
        kind: 'tool_end',
        callId: event.id,
        tool: event.name,
        status: event.reason === 'cancelled' ? 'cancelled' : 'error',
        durationMs: event.durationMs,
        summary: event.message,
      });
      return;
    case 'tool_denied':
      if (!started.has(event.id)) emit({ kind: 'tool_start', callId: event.id, tool: event.name, args: {} });
      emit({
        kind: 'tool_end',
        callId: event.id,
        tool: event.name,
        status: 'denied',
        durationMs: 0,
        summary: `Not run (${event.reason === 'user' ? 'declined' : event.reason}).`,
      });
      return;
    case 'round_finished':
      emit({
        kind: 'usage',
        usage: { ...event.usage },
      });
      return;
    default:
      return;
  }
}

/**
 * A history read back from the cluster's store: user/assistant turns whose content is text or
 * typed blocks. Block contents are the API's own shapes, kept as they were written.
 */
const storedHistorySchema = z
  .array(
    z.object({
      role: z.enum(['user', 'assistant']),
      content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })).min(1)]),
    }),
  )
  .max(10_000);

/** True when turns alternate, starting with the user (what the Messages API accepts). */
function alternates(messages: ReadonlyArray<{ role: 'user' | 'assistant' }>): boolean {
  return messages.every((message, index) => message.role === (index % 2 === 0 ? 'user' : 'assistant'));
}

/** The admin's tool policy as it applies to one session (see `spend/toolPolicy`). */
export interface ToolRules {
  disabled: ReadonlySet<string>;
  alwaysAsk: ReadonlySet<string>;
  /** Changes whenever the two sets do: the conversation lists its tools again. */
  signature: string;
  /** The refusal for a disabled tool, naming the policy. */
  refusal(tool: string): string;
}

/** Options of {@link createAgentEngine}. */
export interface AgentEngineOptions {
  /** The tool policy for a session's identity, read at the start of every query. Default: none. */
  toolRules?: (identity: Identity) => ToolRules;
}

/** The agent as the sessions' {@link QueryEngine}: one agent `Conversation` per session. */
export function createAgentEngine(agent: Agent, options: AgentEngineOptions = {}): QueryEngine {
  const listCache: { tools?: ToolInfo[] } = {};
  return {
    open(identity: Identity): EngineConversation {
      const conversation = agent.createConversation();
      const user: AgentUser = {
        name: identity.user.name,
        email: identity.user.email,
        orgId: identity.org.id,
        ...(identity.user.role ? { role: identity.user.role } : {}),
        ...(identity.org.name ? { orgName: identity.org.name } : {}),
        ...(identity.timezone ? { timezone: identity.timezone } : {}),
      };
      let rulesSignature: string | undefined;
      return {
        async run(input) {
          const started = new Set<string>();
          // Tool-policy changes apply at the next query: a changed policy makes the agent list the tools again.
          const rules = options.toolRules?.(input.identity);
          if (rules && rules.signature !== rulesSignature) {
            conversation.catalog = undefined;
            rulesSignature = rules.signature;
          }
          const result = await agent.run({
            conversation,
            query: input.query,
            // The agent lists the tools once per conversation, whichever host object carries the calls.
            tools: lazyToolHost(input, listCache, rules),
            ...(rules
              ? {
                  alwaysAsk: (tool: string) => rules.alwaysAsk.has(tool),
                  disabledMessage: (tool: string) => (rules.disabled.has(tool) ? rules.refusal(tool) : undefined),
                }
              : {}),
            user,
            signal: input.signal,
            onEvent: (event) => forward(event, input.emit, started),
            ...(input.askUser
              ? {
                  askUser: (question: UserQuestion & { toolName: string; callId: string }, signal: AbortSignal) => {
                    const { toolName, ...rest } = question;
                    return input.askUser!({ ...rest, tool: toolName, signal });
                  },
                }
              : {}),
            requestApproval: (request) => {
              return input.requestApproval({
                tool: request.toolName,
                args: request.input,
                destructive: request.hints.destructiveHint === true,
                signal: request.signal,
                callId: request.toolId,
                // The agent remembers "allow for the rest of the session" in this conversation:
                // offered for non-destructive writes only, a destructive call is asked every time, and never for an always-ask tool.
                allowAlways: request.hints.destructiveHint !== true && !rules?.alwaysAsk.has(request.toolName),
                ...(request.hints.title ? { title: request.hints.title } : {}),
              });
            },
          });
          return { text: result.text };
        },
        clear() {
          // A fresh start: the history and the tools allowed for the rest of the session go together.
          conversation.clear();
          conversation.resetApprovals();
        },
        history: () => conversation.messages,
        restore(messages) {
          const parsed = storedHistorySchema.safeParse(messages);
          if (!parsed.success || !alternates(parsed.data)) return false;
          conversation.clear();
          for (const message of parsed.data) conversation.append(message as HistoryMessage);
          // Restored under this node's history budget.
          conversation.trim();
          return true;
        },
      };
    },
  };
}
