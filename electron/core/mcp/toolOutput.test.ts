import { describe, expect, it } from 'vitest';

import { leanResult, listed, pick, plain, plainField, tableItems, toJsonText } from './toolOutput';

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

describe('leanResult', () => {
  it('drops empty values and false flags, keeps a meaningful false, ids, names and numbers, and shortens whole-minute timestamps', () => {
    const lean = JSON.parse(
      leanResult(
        JSON.stringify({
          id: 'ad01',
          title: 'Review',
          deadline: '2026-12-06T15:00:00.000Z',
          owners: { users: [1], guests: [], groups: [] },
          problem: false,
          is_approved: false,
          completed_at: null,
          summary: '',
          taskdata: {},
          position: 0,
          links: { self: 'x' },
        }),
      ),
    ) as Record<string, unknown>;
    expect(lean).toEqual({
      id: 'ad01',
      title: 'Review',
      deadline: '2026-12-06T15:00Z',
      owners: { users: [1] },
      is_approved: false,
      position: 0,
    });
  });

  it('writes a list of objects as a table with shared values said once, and tableItems reads back every item', () => {
    const items = [
      { id: 'a', title: 'One', run_id: 'r1', status: 'done' },
      { id: 'b', title: 'Two', run_id: 'r1' },
    ];
    const lean = JSON.parse(
      leanResult(JSON.stringify({ data: items, meta: { total: 2, returned: 2, page: 1, total_pages: 1, truncated: false } })),
    );
    expect(lean).toEqual({
      columns: ['id', 'title', 'status'],
      rows: [
        ['a', 'One', 'done'],
        ['b', 'Two', null],
      ],
      all: { run_id: 'r1' },
    });
    expect(tableItems(lean)).toEqual(items);
  });

  it('turns a truncated meta into one "N more — ask with page=2" line and never drops an item', () => {
    const data = Array.from({ length: 20 }, (_, index) => ({ id: `t${index}` }));
    const lean = JSON.parse(
      leanResult(JSON.stringify({ data, meta: { total: 34, returned: 20, page: 1, total_pages: 2, truncated: true } })),
    ) as { data: unknown; more: string };
    expect(lean.more).toBe('14 more — ask with page=2');
    expect(tableItems(lean.data)).toHaveLength(20);
  });

  it('leaves text that is not JSON alone', () => {
    expect(leanResult('Task completed.')).toBe('Task completed.');
    expect(leanResult('{not json')).toBe('{not json');
  });
});
