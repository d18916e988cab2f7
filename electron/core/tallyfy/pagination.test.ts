import { describe, expect, it } from 'vitest';

import { hasMorePages, nextLink, normalisePagination } from './pagination';

describe('normalisePagination', () => {
  const meta = (links: unknown, extra: Record<string, unknown> = {}) => ({
    pagination: { total: 25, count: 10, per_page: 10, current_page: 1, total_pages: 3, links, ...extra },
  });

  it('reads links as {next, previous}', () => {
    const page = normalisePagination(meta({ next: 'https://x/?page=2' }), 10);
    expect(nextLink(page)).toBe('https://x/?page=2');
    expect(hasMorePages(page)).toBe(true);
  });

  it('reads links as {} and as an empty array []', () => {
    expect(nextLink(normalisePagination(meta({}), 10))).toBeUndefined();
    const fromArray = normalisePagination(meta([]), 10);
    expect(fromArray.links).toEqual([]);
    expect(nextLink(fromArray)).toBeUndefined();
  });

  it('stops when current_page reaches total_pages even if a next link lingers', () => {
    expect(hasMorePages(normalisePagination(meta({ next: 'x' }, { current_page: 3 }), 5))).toBe(false);
  });

  it('falls back to links.next when total_pages is missing', () => {
    const withNext = normalisePagination({ pagination: { current_page: 2, links: { next: 'x' } } }, 10);
    expect(hasMorePages(withNext)).toBe(true);
    const withoutNext = normalisePagination({ pagination: { current_page: 2, links: [] } }, 10);
    expect(hasMorePages(withoutNext)).toBe(false);
  });

  it('derives a single page when meta is absent', () => {
    expect(normalisePagination(undefined, 4)).toEqual({ total: 4, count: 4, per_page: 4, current_page: 1, total_pages: 1, links: {} });
  });
});
