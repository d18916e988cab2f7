/**
 * What a session needs from the assistant and the tools, without knowing them: `createCore`
 * adapts the agent (issue 5) and the MCP tool host (issue 4) to these ports, tests plug fakes.
 */
import type { Usage } from '../../../shared/types/session';
import type { ApprovalAnswer, ApprovalReply } from '../agent/events';
import type { UserAnswer, UserQuestion } from '../agent/userQuestions';
import type { ToolHost } from '../mcp/toolHost';

export type { ApprovalAnswer, ApprovalReply, UserAnswer, UserQuestion };

/** A question for the person (an `ask_user_*` tool), asked in the client's question card. */
export interface QuestionAsk extends UserQuestion {
  tool: string;
  /** The tool call it belongs to. */
  callId: string;
  /** Aborted when the answer is no longer wanted. */
  signal?: AbortSignal;
}

/** Who a session belongs to, as Tallyfy's `me` said at sign-in. */
export interface Identity {
  user: { id: string; name: string; email: string; role?: string };
  org: { id: string; name?: string };
  /** IANA time zone of the user or org, when Tallyfy gave one. */
  timezone?: string;
}

/** A teammate's Tallyfy credentials. Live in memory only, inside one session. */
export interface Credentials {
  apiKey: string;
  orgId: string;
}

/**
 * Something the assistant did while answering, reported as it happens. A call that needs approval
 * is announced with `tool_pending` first; its later `tool_start` (same `callId`) marks it running.
 */
export type QueryEvent =
  | { kind: 'delta'; text: string }
  | { kind: 'tool_pending'; callId: string; tool: string; title?: string; args: Record<string, unknown> }
  | { kind: 'tool_start'; callId: string; tool: string; title?: string; args: Record<string, unknown> }
  | {
      kind: 'tool_end';
      callId: string;
      tool: string;
      status: 'ok' | 'error' | 'denied' | 'cancelled';
      durationMs: number;
      /** A short outcome (an error's message), never raw data. */
      summary?: string;
    }
  | { kind: 'usage'; usage: Usage }
  /** The model is overloaded or rate-limited: the engine waits `delayMs` and tries again (attempt 1, 2, …). */
  | { kind: 'retrying'; attempt: number; delayMs: number };

/** A tool call that needs the user's yes before it runs. */
export interface ApprovalAsk {
  tool: string;
  title?: string;
  args: Record<string, unknown>;
  /** True when the tool deletes or irreversibly changes data. */
  destructive: boolean;
  /** The call this is about (its `tool_pending` event), when the engine reported one. */
  callId?: string;
  /** True when the engine remembers an `always` answer for the rest of the session. */
  allowAlways?: boolean;
  /** Aborted when the answer is no longer wanted: the question is withdrawn (counts as a timeout). */
  signal?: AbortSignal;
}

/** One query, as the session hands it to the engine. */
export interface RunInput {
  query: string;
  queryId: string;
  /** Aborted on cancel, quit, kick, expiry or shutdown: stop promptly and reject or return. */
  signal: AbortSignal;
  identity: Identity;
  /** This session's tool host, built on first use and reused until the session idles. */
  tools(): Promise<ToolHost>;
  emit(event: QueryEvent): void;
  /** Asks the user; resolves `deny` on a no or a cancel, `timeout` when nobody answered in time (`always` only when the ask allows it). */
  requestApproval(ask: ApprovalAsk): Promise<ApprovalReply>;
  /**
   * Asks the person a question in the client's card; absent when the client cannot show one (then
   * the assistant asks in its reply and the next query answers).
   */
  askUser?(ask: QuestionAsk): Promise<UserAnswer>;
}

/** What a finished query answers: markdown. */
export interface RunOutcome {
  text: string;
}

/** One session's conversation with the assistant (its history lives here). */
export interface EngineConversation {
  run(input: RunInput): Promise<RunOutcome>;
  /** Forgets the history, and any tool the user allowed for the rest of the session. */
  clear(): void;
  /**
   * The model history now, oldest first (JSON-safe message objects, never mutated in place), for
   * the cluster's conversation store. Optional: an engine without one is not restorable.
   */
  history?(): readonly object[];
  /** Puts back a history read from the cluster's store (unvalidated); false when it is not a usable history (nothing changed). */
  restore?(messages: readonly unknown[]): boolean;
}

/** Opens a conversation per session. */
export interface QueryEngine {
  open(identity: Identity): EngineConversation;
}

/** Builds a tool host bound to one credential set (isolation by construction). */
export type ToolHostFactory = (credentials: Credentials) => Promise<ToolHost>;

/** Thrown by an authenticator: `code` is an `auth_error` code, `message` is for the user. */
export class AuthFailure extends Error {
  constructor(
    readonly code: 'INVALID_CREDENTIALS' | 'TALLYFY_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'AuthFailure';
  }
}

/** Checks credentials against Tallyfy (`me`) and says who they belong to; throws {@link AuthFailure}. */
export type Authenticator = (credentials: Credentials, signal?: AbortSignal) => Promise<Identity>;
