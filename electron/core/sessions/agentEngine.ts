import type { Agent, AgentEvent, AgentUser } from '../agent';
import type { ToolHost, ToolInfo } from '../mcp/toolHost';

import type { EngineConversation, Identity, QueryEngine, QueryEvent, RunInput } from './engine';

/**
 * A tool host that builds the session's real one only when a tool is called (listing is
 * answered from a shared cache when one is known), so a session that only chats never costs a
 * tool server (toolchain.md §10).
 */
function lazyToolHost(input: RunInput, listCache: { tools?: ToolInfo[] }): ToolHost {
  return {
    async listTools() {
      if (listCache.tools) return listCache.tools;
      const tools = await (await input.tools()).listTools();
      listCache.tools = tools;
      return tools;
    },
    async callTool(name, args, signal) {
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
        usage: {
          inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens,
          cacheReadTokens: event.usage.cacheReadInputTokens,
          cacheWriteTokens: event.usage.cacheCreationInputTokens,
        },
      });
      return;
    default:
      return;
  }
}

/** The agent as the sessions' {@link QueryEngine}: one agent `Conversation` per session. */
export function createAgentEngine(agent: Agent): QueryEngine {
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
      return {
        async run(input) {
          const started = new Set<string>();
          const result = await agent.run({
            conversation,
            query: input.query,
            // The agent lists the tools once per conversation, whichever host object carries the calls.
            tools: lazyToolHost(input, listCache),
            user,
            signal: input.signal,
            onEvent: (event) => forward(event, input.emit, started),
            requestApproval: async (request) => {
              const answer = await input.requestApproval({
                tool: request.toolName,
                args: request.input,
                destructive: request.hints.destructiveHint === true,
                signal: request.signal,
                callId: request.toolId,
                // The agent remembers "allow for the rest of the session" in this conversation:
                // offered for non-destructive writes only, a destructive call is asked every time.
                allowAlways: request.hints.destructiveHint !== true,
                ...(request.hints.title ? { title: request.hints.title } : {}),
              });
              return answer === 'always' ? 'allow_session' : answer;
            },
          });
          return { text: result.text };
        },
        clear() {
          // A fresh start: the history and the tools allowed for the rest of the session go together.
          conversation.clear();
          conversation.resetApprovals();
        },
      };
    },
  };
}
