import { randomUUID } from 'node:crypto';

import type { QuestionAsk, UserAnswer, UserQuestion } from './engine';

/** Default wait for the person's answer to a question card: 10 minutes (a form takes longer than a yes/no). */
export const defaultQuestionTimeoutMs = 10 * 60_000;

/** The question a session is waiting on. */
export interface PendingQuestion extends UserQuestion {
  requestId: string;
  queryId: string;
  tool: string;
  callId: string;
}

/** Why a question stopped waiting. */
export type QuestionEndReason = 'answered' | 'cancelled' | 'timeout';

export interface QuestionBrokerOptions {
  /** How long a question waits, ms. Default {@link defaultQuestionTimeoutMs}. */
  timeoutMs?: number;
  asked(pending: PendingQuestion): void;
  resolved(pending: PendingQuestion, reason: QuestionEndReason): void;
}

/**
 * One session's question cards (the assistant's `ask_user_*` tools): at most one waits at a time
 * (a new one withdraws the old), and this is the only place a question times out.
 */
export class QuestionBroker {
  #pending: { view: PendingQuestion; settle(answer: UserAnswer, reason: QuestionEndReason): void } | undefined;

  constructor(private readonly options: QuestionBrokerOptions) {}

  get pending(): PendingQuestion | undefined {
    return this.#pending?.view;
  }

  /** Asks, and resolves with the answer; unanswered on a cancel (`signal`, `ask.signal`) or the timeout. */
  ask(queryId: string, ask: QuestionAsk, signal: AbortSignal): Promise<UserAnswer> {
    if (signal.aborted || ask.signal?.aborted) return Promise.resolve({ answered: false, reason: 'cancelled' });
    this.cancel();
    const { signal: askSignal, ...question } = ask;
    return new Promise<UserAnswer>((resolve) => {
      const view: PendingQuestion = { ...question, requestId: randomUUID(), queryId };
      const settle = (answer: UserAnswer, reason: QuestionEndReason): void => {
        if (this.#pending !== entry) return;
        this.#pending = undefined;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        askSignal?.removeEventListener('abort', onAbort);
        this.options.resolved(view, reason);
        resolve(answer);
      };
      const entry = { view, settle };
      const timer = setTimeout(
        () => settle({ answered: false, reason: 'timeout' }, 'timeout'),
        this.options.timeoutMs ?? defaultQuestionTimeoutMs,
      );
      timer.unref();
      const onAbort = (): void => settle({ answered: false, reason: 'cancelled' }, 'cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
      askSignal?.addEventListener('abort', onAbort, { once: true });
      this.#pending = entry;
      this.options.asked(view);
    });
  }

  /** Answers the waiting question; false when `requestId` is not the one waiting. */
  answer(requestId: string, answer: UserAnswer): boolean {
    const pending = this.#pending;
    if (!pending || pending.view.requestId !== requestId) return false;
    pending.settle(answer, 'answered');
    return true;
  }

  /** Withdraws the waiting question, if any. */
  cancel(): void {
    this.#pending?.settle({ answered: false, reason: 'cancelled' }, 'cancelled');
  }
}
