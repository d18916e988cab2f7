import type { Usage } from '../../../shared/types/session';
import type { ToolHints } from '../mcp/toolHost';

/**
 * What a person may answer to an approval request: `always` = allow, and allow this tool for the
 * rest of the conversation. The one approval vocabulary: the sessions and the gateway use it too.
 */
export type ApprovalAnswer = 'allow' | 'always' | 'deny';

/** What an approval hook resolves with: the answer, or `timeout` when nobody answered in time (the hook owns that clock). */
export type ApprovalReply = ApprovalAnswer | 'timeout';

/** Which tools need approval: writes (not read-only, the default), all, or none. */
export type ApprovalPolicy = 'writes' | 'all' | 'never';

/** What the agent passes to the session's approval hook. */
export interface ApprovalRequest {
  toolName: string;
  toolId: string;
  input: Record<string, unknown>;
  /** The tool's annotations (readOnlyHint, destructiveHint, title…), `{}` when it has none. */
  hints: ToolHints;
  /** Aborted when the answer is no longer wanted (timeout or cancel): close the prompt. */
  signal: AbortSignal;
}

/** The session's async approval hook. A rejection counts as a denial; `timeout` is a denial told to the model as such. */
export type RequestApproval = (request: ApprovalRequest) => Promise<ApprovalReply>;

/** Token usage of one round or one query: the one `Usage` shape (shared/types/session) used from the agent to the admin view. */
export type AgentUsage = Usage;

/** Why a tool call produced no normal outcome. */
export type ToolFailureReason = 'cancelled' | 'error' | 'unknown_tool' | 'invalid_input';

/** Why a tool did not run after asking. */
export type ToolDenialReason = 'user' | 'timeout' | 'no_approver' | 'error';

/**
 * Everything the agent reports while answering, in order. Round 0 is direct mode (no model).
 * Every `tool_started` is followed by exactly one `tool_finished` or `tool_failed` for the same id.
 */
export type AgentEvent =
  | { type: 'round_started'; round: number }
  | { type: 'text_delta'; round: number; text: string }
  | { type: 'tool_started'; round: number; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_finished'; round: number; id: string; name: string; durationMs: number; isError: boolean }
  | { type: 'tool_failed'; round: number; id: string; name: string; durationMs: number; reason: ToolFailureReason; message: string }
  | { type: 'tool_denied'; round: number; id: string; name: string; reason: ToolDenialReason }
  | { type: 'approval_requested'; round: number; toolId: string; toolName: string; input: Record<string, unknown>; hints: ToolHints }
  | {
      type: 'approval_resolved';
      round: number;
      toolId: string;
      toolName: string;
      decision: ApprovalAnswer;
      /** `user` answered; `timeout`/`no_approver`/`error` are denials; `cancelled` when the query was cancelled. */
      reason: 'user' | 'timeout' | 'no_approver' | 'error' | 'cancelled';
    }
  | { type: 'retrying'; round: number; attempt: number; delayMs: number; code: string }
  | { type: 'round_finished'; round: number; stopReason: string; usage: AgentUsage };

/** One tool call of a query, as recorded in its result. */
export interface ToolCallRecord {
  id: string;
  name: string;
  input: Record<string, unknown>;
  round: number;
  outcome: 'ok' | 'error' | 'denied' | 'cancelled';
  /** Milliseconds the tool ran (0 when it did not run). */
  durationMs: number;
}

/** Why a query ended. `direct` = a /tools or /tool command; `no_api_key` = explained how to set one. */
export type AgentStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | 'max_rounds' | 'direct' | 'no_api_key';

/** The outcome of one query. */
export interface AgentRunResult {
  /** The answer in markdown (all rounds' text, joined by blank lines). */
  text: string;
  usage: AgentUsage;
  /** Model calls made (0 in direct mode). */
  rounds: number;
  toolCalls: ToolCallRecord[];
  stopReason: AgentStopReason;
}

/** Zero usage. */
export function emptyUsage(): AgentUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

/** Adds `more` into `total` in place. */
export function addUsage(total: AgentUsage, more: AgentUsage): void {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
  total.cacheReadTokens += more.cacheReadTokens;
  total.cacheWriteTokens += more.cacheWriteTokens;
}
