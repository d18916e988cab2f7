import type { Pagination } from './types';

/**
 * Normalises `meta.pagination` from any response: missing numbers are derived from the items, and
 * `links` may be `{next, previous}`, `{}` or an empty array `[]` (all three occur, tallyfy-api.md §2).
 */
export function normalisePagination(meta: unknown, itemCount: number): Pagination {
  const raw = (meta && typeof meta === 'object' ? (meta as Record<string, unknown>).pagination : undefined) as
    | Record<string, unknown>
    | undefined;
  const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  const total = num(raw?.total, itemCount);
  const perPage = num(raw?.per_page, Math.max(itemCount, 1));
  const currentPage = num(raw?.current_page, 1);
  const links = raw?.links;
  const hasNext =
    links && typeof links === 'object' && !Array.isArray(links) && typeof (links as { next?: unknown }).next === 'string'
      ? (links as { next: string }).next !== ''
      : false;
  // Without total_pages, a non-empty links.next is the only sign of another page.
  const totalPages = num(raw?.total_pages, hasNext ? currentPage + 1 : Math.max(1, Math.ceil(total / perPage)));
  return {
    total,
    count: num(raw?.count, itemCount),
    per_page: perPage,
    current_page: currentPage,
    total_pages: totalPages,
    links: Array.isArray(links) ? links : links && typeof links === 'object' ? (links as Pagination['links']) : {},
  };
}

/** The `next` link of a pagination, or undefined for `{}`, `[]` or an empty string. */
export function nextLink(pagination: Pagination): string | undefined {
  const links = pagination.links;
  if (Array.isArray(links)) return undefined;
  return typeof links.next === 'string' && links.next !== '' ? links.next : undefined;
}

/** True when another page follows: `current_page < total_pages`, else a non-empty `links.next` (the CLI's rule). */
export function hasMorePages(pagination: Pagination): boolean {
  return pagination.current_page < pagination.total_pages;
}
