import { randomUUID } from 'node:crypto';

import type { ApprovalAnswer, ApprovalAsk, ApprovalReply } from './engine';

/** Default wait for an approval answer: 2 minutes, then the call is not run. */
export const defaultApprovalTimeoutMs = 2 * 60_000;

/** The approval question a session is waiting on (arguments already shortened and redacted). */
export interface PendingApproval {
  requestId: string;
  queryId: string;
  tool: string;
  title?: string;
  args: Record<string, unknown>;
  destructive: boolean;
  /** The tool call it is about. */
  callId?: string;
  /** True when `always` may be answered (the engine remembers it for the rest of the session). */
  allowAlways: boolean;
  /** What ids among `args` refer to (id → title or name), where known. */
  names?: Record<string, string>;
}

/** Why a question stopped waiting: the user answered, the query was cancelled or ended, or nobody answered in time (or the engine withdrew it). */
export type ApprovalEndReason = 'answered' | 'cancelled' | 'timeout';

export interface ApprovalBrokerOptions {
  /** How long a question waits before it counts as a no, ms. Default {@link defaultApprovalTimeoutMs}. */
  timeoutMs?: number;
  asked(pending: PendingApproval): void;
  /** `answer` is what the engine is told (`always` only when the question allowed it). */
  resolved(pending: PendingApproval, answer: ApprovalAnswer, reason: ApprovalEndReason): void;
}

/**
 * One session's approval questions: at most one waits at a time (a new one cancels the old),
 * and this is the only place an approval times out.
 */
export class ApprovalBroker {
  #pending: { view: PendingApproval; settle(answer: ApprovalAnswer, reason: ApprovalEndReason): void } | undefined;

  constructor(private readonly options: ApprovalBrokerOptions) {}

  get pending(): PendingApproval | undefined {
    return this.#pending?.view;
  }

  /**
   * Asks, and resolves with the answer: `deny` on a no, a cancel (`signal`) or a withdrawal
   * (`ask.signal`), `timeout` when nobody answered within the timeout.
   */
  ask(queryId: string, ask: ApprovalAsk, signal: AbortSignal): Promise<ApprovalReply> {
    if (signal.aborted || ask.signal?.aborted) return Promise.resolve('deny');
    this.cancel();
    return new Promise<ApprovalReply>((resolve) => {
      const view: PendingApproval = {
        requestId: randomUUID(),
        queryId,
        tool: ask.tool,
        args: ask.args,
        destructive: ask.destructive,
        allowAlways: ask.allowAlways === true,
        ...(ask.title ? { title: ask.title } : {}),
        ...(ask.callId ? { callId: ask.callId } : {}),
        ...(ask.names && Object.keys(ask.names).length ? { names: ask.names } : {}),
      };
      const settle = (given: ApprovalAnswer, reason: ApprovalEndReason): void => {
        if (this.#pending !== entry) return;
        this.#pending = undefined;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        ask.signal?.removeEventListener('abort', onWithdrawn);
        const answer: ApprovalAnswer = given === 'always' && !view.allowAlways ? 'allow' : given;
        this.options.resolved(view, answer, reason);
        // The engine hears `timeout` only for its own question running out, not for a withdrawal.
        resolve(reason === 'timeout' && !ask.signal?.aborted ? 'timeout' : answer);
      };
      const entry = { view, settle };
      const timer = setTimeout(() => settle('deny', 'timeout'), this.options.timeoutMs ?? defaultApprovalTimeoutMs);
      timer.unref();
      const onAbort = (): void => settle('deny', 'cancelled');
      const onWithdrawn = (): void => settle('deny', 'timeout');
      signal.addEventListener('abort', onAbort, { once: true });
      ask.signal?.addEventListener('abort', onWithdrawn, { once: true });
      this.#pending = entry;
      this.options.asked(view);
    });
  }

  /** Answers the waiting question; false when `requestId` is not the one waiting. */
  answer(requestId: string, answer: ApprovalAnswer): boolean {
    const pending = this.#pending;
    if (!pending || pending.view.requestId !== requestId) return false;
    pending.settle(answer, 'answered');
    return true;
  }

  /** Withdraws the waiting question, if any, as a no (`cancelled`). */
  cancel(): void {
    this.#pending?.settle('deny', 'cancelled');
  }
}
