import { describe, expect, it } from 'vitest';

import { NameBook } from './nameBook';

const task = 'ad000000000000000000000000000015';
const run = 'ae100000000000000000000000000003';
const template = 'af000000000000000000000000000001';

describe('NameBook: what the ids in an approval refer to', () => {
  it('learns titles and names from JSON tool output, nested objects included', () => {
    const book = new NameBook();
    book.note(JSON.stringify({ data: [{ id: task, title: 'Finance approval', run_id: run, run: { id: run, name: 'Onboard Acme' } }] }));
    book.note(JSON.stringify({ id: template, title: 'Vendor onboarding' }));
    expect(book.namesFor({ task_id: task, run_id: run, checklist_id: template, note: 'hello' })).toEqual({
      [task]: 'Finance approval',
      [run]: 'Onboard Acme',
      [template]: 'Vendor onboarding',
    });
  });

  it('learns them from lean lists (columns and rows)', () => {
    const book = new NameBook();
    book.note(
      JSON.stringify({ tasks: { columns: ['id', 'title', 'run'], rows: [[task, 'Finance approval', { id: run, name: 'Onboard Acme' }]] } }),
    );
    expect(book.namesFor({ task_id: task, run_id: run })).toEqual({ [task]: 'Finance approval', [run]: 'Onboard Acme' });
  });

  it('reads entries inside text that is not JSON as a whole, and ids in lists', () => {
    const book = new NameBook();
    book.note(`Found 1:\n{"id": "${task}", "status": "active", "title": "Say \\"hi\\""}`);
    expect(book.namesFor({ task_ids: [task, 'x'] })).toEqual({ [task]: 'Say "hi"' });
  });

  it('knows nothing it was not shown, keeps the newest names within its limit, and forgets on clear', () => {
    const book = new NameBook(2);
    expect(book.namesFor({ task_id: task })).toEqual({});
    book.note(
      JSON.stringify([
        { id: task, title: 'A' },
        { id: run, name: 'B' },
        { id: template, title: 'C' },
      ]),
    );
    expect(book.namesFor({ a: task, b: run, c: template })).toEqual({ [run]: 'B', [template]: 'C' });
    book.clear();
    expect(book.namesFor({ b: run })).toEqual({});
  });
});
