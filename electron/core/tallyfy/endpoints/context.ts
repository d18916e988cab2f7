import type { QueryValue, RequestOptions } from '../http';
import type { Page } from '../types';

/** Query of a list call: `page` (1-based), `per_page` (≤100), `with` includes, plus any filter Tallyfy takes. */
export type ListQuery = Record<string, QueryValue> & {
  page?: number;
  per_page?: number;
  with?: string | readonly string[];
};

/** What every endpoint family builds on. Paths here are relative to `/organizations/{org}`. */
export interface EndpointContext {
  /** The organization every path is scoped to. */
  readonly orgId: string;
  /** Raw call; returns the whole parsed body. */
  call<T>(method: string, orgPath: string, options?: RequestOptions): Promise<T>;
  /** Call returning the `data` of an item envelope (or undefined for an empty/204 answer). */
  item<T>(method: string, orgPath: string, options?: RequestOptions): Promise<T>;
  /** GET of one list page, normalised to `{data, pagination}`. */
  page<T>(orgPath: string, query?: ListQuery, signal?: AbortSignal): Promise<Page<T>>;
}

/** Encodes one path segment (guest emails go in paths URL-encoded). */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
