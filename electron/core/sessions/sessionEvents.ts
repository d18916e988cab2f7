import type { AuditApproval } from '../../../shared/types/audit';
import type { Usage } from '../../../shared/types/session';

import type { ApprovalEndReason, PendingApproval } from './approvalBroker';
import type { ApprovalAnswer } from './engine';
import type { PendingQuestion, QuestionEndReason } from './questionBroker';

/** Why a session ended. */
export type SessionEndReason = 'quit' | 'kicked' | 'idle_expired' | 'shutdown' | 'stopped' | 'disconnected' | 'resume_expired';

/** The error codes a session raises itself (each is also a wire `error` code; the presenter checks that at compile time). */
export const sessionErrorCodes = ['BUSY', 'NOTHING_TO_CANCEL', 'NO_PENDING_APPROVAL', 'NO_PENDING_QUESTION', 'AGENT_FAILED', 'TALLYFY_ERROR'] as const;
export type SessionErrorCode = (typeof sessionErrorCodes)[number];

/** How a tool call ended. */
export type ToolCallStatus = 'ok' | 'error' | 'denied' | 'cancelled';

/** A finished tool call as the admin and the audit trail see it: scrubbed with every secret (the shared registry). */
export interface FinishedToolCall {
  callId: string;
  title?: string;
  args: Record<string, unknown>;
  /** How the call was cleared: asked and answered, allowed earlier ("always"), or run without asking. */
  approval: AuditApproval;
  status: ToolCallStatus;
  durationMs: number;
  summary?: string;
}

/**
 * Everything a session reports, in order, to whoever listens (the registry, the gateway's
 * presenter, the audit trail). Protocol-free: the presenter turns these into wire messages.
 * Text in `delta`, `response`, `error` and `tool_result` is already scrubbed of credentials.
 */
export type SessionEvent =
  /** The admin snapshot changed (state, sign-in, attached or detached, a query finished). */
  | { type: 'changed' }
  | { type: 'processing'; queryId: string }
  | { type: 'delta'; queryId: string; text: string }
  /** A tool call shown for the first time: waiting for approval, or running. */
  | {
      type: 'tool_call';
      queryId: string;
      callId: string;
      tool: string;
      title?: string;
      args: Record<string, unknown>;
      awaitingApproval: boolean;
    }
  | {
      type: 'tool_result';
      queryId: string;
      callId: string;
      tool: string;
      status: ToolCallStatus;
      durationMs: number;
      /** For the peer: scrubbed with the session's own scrubber. */
      summary?: string;
      /** For the admin and the audit trail (never sent to the peer). */
      record: FinishedToolCall;
    }
  | { type: 'retrying'; queryId: string; attempt: number; delayMs: number }
  | { type: 'response'; queryId: string; text: string }
  | { type: 'cancelled'; queryId: string }
  /** A query finished, however it ended. */
  | { type: 'query_done'; queryId: string; latencyMs: number }
  | { type: 'usage'; usage: Usage }
  /** Something the client did or asked failed. `code` is a {@link SessionErrorCode} or one the gateway reported; `detailCode` names the cause (e.g. `AGENT_OVERLOADED`). */
  | { type: 'error'; code: string; message: string; queryId?: string; detailCode?: string }
  | { type: 'approval_requested'; approval: PendingApproval }
  | { type: 'approval_resolved'; approval: PendingApproval; answer: ApprovalAnswer; reason: ApprovalEndReason }
  /** The assistant asks the person (an `ask_user_*` tool), shown as a question card. */
  | { type: 'question_requested'; question: PendingQuestion }
  | { type: 'question_resolved'; question: PendingQuestion; reason: QuestionEndReason }
  | { type: 'history_cleared' }
  /** Something to tell the peer (an `info` with `code` on the wire), e.g. a budget warning. */
  | { type: 'notice'; code: string; message: string }
  | { type: 'idle_warning'; expiresAt: number; secondsLeft: number }
  /** The last event of a session. */
  | { type: 'ended'; reason: SessionEndReason; detail?: string };

export type SessionListener = (event: SessionEvent) => void;
