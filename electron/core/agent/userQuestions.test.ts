import { describe, expect, it } from 'vitest';

import { answerForModel, questionFromResult, type UserQuestion } from './userQuestions';

const needs = (body: Record<string, unknown>): string => JSON.stringify({ status: 'needs_user_answer', instructions: 'ask', ...body });

describe('questionFromResult', () => {
  it('reads the question of an ask_user_* needs_user_answer result, with field defaults', () => {
    expect(
      questionFromResult(
        'ask_user_question',
        needs({
          ui: 'question',
          question: 'Which?',
          fields: [{ name: 'vendor', type: 'select', options: ['A', 'B'] }],
          submit_label: 'Go',
        }),
      ),
    ).toEqual({
      ui: 'question',
      question: 'Which?',
      fields: [{ name: 'vendor', type: 'select', required: true, options: ['A', 'B'] }],
      submitLabel: 'Go',
    });
  });

  it('ignores other tools, other results, and a result that carries an error for the model to fix', () => {
    expect(questionFromResult('get_tags', needs({ ui: 'confirm', question: 'x' }))).toBeUndefined();
    expect(questionFromResult('ask_user_to_confirm', JSON.stringify({ answered: true, confirmed: true }))).toBeUndefined();
    expect(questionFromResult('ask_user_to_confirm', 'needs_user_answer but not JSON')).toBeUndefined();
    expect(
      questionFromResult('ask_user_question', needs({ ui: 'question', error: 'Field "x" is a select and needs options.' })),
    ).toBeUndefined();
  });
});

describe('answerForModel', () => {
  const form: UserQuestion = {
    ui: 'question',
    question: 'Which?',
    fields: [
      { name: 'vendor', type: 'select', required: true, options: ['A'] },
      { name: 'note', type: 'text', required: false },
    ],
  };

  it('keeps only the asked fields and warns about a missing required one', () => {
    expect(answerForModel(form, { answered: true, answers: { vendor: 'A', extra: 'x' } })).toEqual({
      answered: true,
      answers: { vendor: 'A' },
    });
    expect(answerForModel(form, { answered: true, answers: { note: 'n' } })).toEqual({
      answered: true,
      answers: { note: 'n' },
      warning: 'No answer for: vendor.',
    });
  });

  it('says why there is no answer: declined, timed out or withdrawn', () => {
    expect(answerForModel(form, { answered: false, reason: 'declined' })).toMatchObject({ answered: false, action: 'decline' });
    expect(answerForModel(form, { answered: false, reason: 'timeout' })).toMatchObject({
      answered: false,
      note: 'The person did not answer in time.',
    });
    expect(answerForModel({ ui: 'confirm', question: 'Sure?' }, { answered: false, reason: 'cancelled' })).toMatchObject({
      answered: false,
      confirmed: false,
    });
  });

  it('checks a ranking holds every item once', () => {
    const rank: UserQuestion = { ui: 'rank', question: 'Order', items: ['A', 'B'] };
    expect(answerForModel(rank, { answered: true, ranking: ['B', 'A'] })).toEqual({ answered: true, ranking: ['B', 'A'] });
    expect(answerForModel(rank, { answered: true, ranking: ['B', 'B'] })).toHaveProperty('warning');
  });
});
