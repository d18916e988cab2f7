import { describe, expect, it } from 'vitest';

import { answerOffset } from '../../../../shared/protocol';

import { answerParts } from './answerParts';
import type { ToolChip } from './chatState';

const chip = (callId: string, offset?: number): ToolChip => ({
  callId,
  tool: 'get_my_tasks',
  args: {},
  status: 'ok',
  ...(offset !== undefined ? { offset } : {}),
});

const shape = (parts: ReturnType<typeof answerParts>) =>
  parts.map((part) => (part.kind === 'text' ? part.text.trim() : part.chips.map((item) => item.callId)));

describe('answerParts: each tool call shows where it happened in the answer', () => {
  it('puts a call between the text before it and the text after it', () => {
    const text = 'Let me look that up.\n\nHere are your tasks.';
    expect(shape(answerParts(text, [chip('a', 'Let me look that up.'.length)]))).toEqual([
      'Let me look that up.',
      ['a'],
      'Here are your tasks.',
    ]);
  });

  it('keeps calls made at the same place in one row, and calls without a place before the answer', () => {
    const text = 'First.\n\nSecond.\n\nThird.';
    expect(shape(answerParts(text, [chip('x'), chip('b', 6), chip('c', 6), chip('d', 15)]))).toEqual([
      ['x'],
      'First.',
      ['b', 'c'],
      'Second.',
      ['d'],
      'Third.',
    ]);
  });

  it('shows a call made after the last text at the end, and an answer without calls as one text', () => {
    expect(shape(answerParts('Done.', [chip('a', 5)]))).toEqual(['Done.', ['a']]);
    expect(shape(answerParts('Only text.', []))).toEqual(['Only text.']);
    expect(shape(answerParts('', [chip('a', 10)]))).toEqual([['a']]);
  });
});

describe('answerOffset: a place in the streamed text is the same place in the final text', () => {
  it('skips the blank lines the final text puts between rounds', () => {
    const streamed = 'Let me look that up.Here are your tasks.';
    const final = 'Let me look that up.\n\nHere are your tasks.';
    const at = answerOffset(streamed, final, 'Let me look that up.'.length);
    expect(final.slice(0, at)).toBe('Let me look that up.');
    expect(final.slice(at).trim()).toBe('Here are your tasks.');
  });

  it('maps nothing streamed to the start, and a place past the end to the end', () => {
    expect(answerOffset('', 'Answer.', 0)).toBe(0);
    expect(answerOffset('abc', 'ab', 3)).toBe(2);
  });
});
