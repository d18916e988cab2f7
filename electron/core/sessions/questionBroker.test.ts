import { describe, expect, it } from 'vitest';

import { QuestionBroker, type PendingQuestion, type QuestionEndReason } from './questionBroker';

const ask = { ui: 'confirm' as const, question: 'Archive it?', tool: 'ask_user_to_confirm', callId: 'c1' };

function broker(timeoutMs = 60_000) {
  const asked: PendingQuestion[] = [];
  const resolved: QuestionEndReason[] = [];
  const questions = new QuestionBroker({
    timeoutMs,
    asked: (pending) => asked.push(pending),
    resolved: (_pending, reason) => resolved.push(reason),
  });
  return { questions, asked, resolved };
}

describe('QuestionBroker', () => {
  it('resolves with the answer given for the waiting request id only', async () => {
    const { questions, asked, resolved } = broker();
    const answer = questions.ask('q1', ask, new AbortController().signal);
    expect(asked).toHaveLength(1);
    expect(questions.answer('not-it', { answered: true, confirmed: true })).toBe(false);
    expect(questions.answer(asked[0]!.requestId, { answered: true, confirmed: true })).toBe(true);
    expect(await answer).toEqual({ answered: true, confirmed: true });
    expect(resolved).toEqual(['answered']);
    expect(questions.pending).toBeUndefined();
  });

  it('times out as unanswered, and a cancel withdraws the question', async () => {
    const timed = broker(20);
    expect(await timed.questions.ask('q1', ask, new AbortController().signal)).toEqual({ answered: false, reason: 'timeout' });
    expect(timed.resolved).toEqual(['timeout']);

    const cancelled = broker();
    const controller = new AbortController();
    const answer = cancelled.questions.ask('q2', ask, controller.signal);
    controller.abort();
    expect(await answer).toEqual({ answered: false, reason: 'cancelled' });
    expect(cancelled.resolved).toEqual(['cancelled']);
  });
});
