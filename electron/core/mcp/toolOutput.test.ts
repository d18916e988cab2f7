import { describe, expect, it } from 'vitest';

import { listed, pick, plain, plainField, toJsonText } from './toolOutput';

describe('tool output', () => {
  it('pages a whole array and says when more exists', () => {
    const result = listed([1, 2, 3, 4, 5], (n) => n * 10, { page: 2, perPage: 2, pagedUpstream: false });
    expect(result.data).toEqual([30, 40]);
    expect(result.meta).toMatchObject({ total: 5, returned: 2, page: 2, total_pages: 3, truncated: true });
    expect(result.meta.hint).toMatch(/page=3/);
    expect(listed([1], (n) => n, { page: 1, perPage: 20, pagedUpstream: false }).meta.truncated).toBe(false);
  });

  it('keeps answers under the size cap by halving the biggest list and saying so', () => {
    const big = {
      data: Array.from({ length: 2000 }, (_, i) => ({ id: i, title: `Task number ${i} with a long title` })),
      meta: { total: 2000, returned: 2000, truncated: false },
    };
    const text = toJsonText(big, 10_000);
    expect(text.length).toBeLessThanOrEqual(10_000);
    const parsed = JSON.parse(text) as { data: unknown[]; meta: { truncated: boolean; returned: number }; truncated_note: string };
    expect(parsed.meta.truncated).toBe(true);
    expect(parsed.meta.returned).toBe(parsed.data.length);
    expect(parsed.truncated_note).toMatch(/left out/);
  });

  it('trims objects and strips HTML', () => {
    expect(pick({ a: 1, b: undefined, c: null, d: 4 }, ['a', 'b', 'c'])).toEqual({ a: 1, c: null });
    expect(plain('<p>Hello&nbsp;<b>world</b></p>')).toBe('Hello world');
    expect(plain('x'.repeat(20), 5)).toBe('xxxxx…');
    expect({ id: 1, ...plainField('summary', '<p>Short</p>', 300) }).toEqual({ id: 1, summary: 'Short' });
    expect({ id: 1, ...plainField('summary', '<p> </p>'), ...plainField('guidance', null) }).toEqual({ id: 1 });
    expect(plain('   ')).toBeUndefined();
  });
});
