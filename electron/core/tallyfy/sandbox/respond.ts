import { z } from 'zod';

/** An HTTP answer a handler throws to stop (errors) — body is sent as JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpError';
  }
}

/** `{"message": ...}` errors as Tallyfy sends them. */
export const notFound = (what: string): HttpError => new HttpError(404, { error: true, message: `${what} not found.` });
export const forbidden = (message = 'This action is unauthorized.'): HttpError => new HttpError(403, { error: true, message });
export const badRequest = (message: string): HttpError => new HttpError(400, { error: true, message });

/** A Laravel validation failure: 422 `{message, errors:{field:[msg]}}`. */
export function validationError(errors: Record<string, string[]>): HttpError {
  return new HttpError(422, { message: 'The given data was invalid.', errors });
}

function attributeName(path: PropertyKey[]): string {
  return path.map(String).join('.').replace(/_/g, ' ');
}

/** Laravel-style message for one zod issue ("The title field is required."). */
function laravelMessage(issue: z.core.$ZodIssue): string {
  const attr = attributeName(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? `The ${attr} field is required.` : `The ${attr} must be a ${issue.expected}.`;
    case 'too_big':
      return issue.origin === 'string' ? `The ${attr} may not be greater than ${String(issue.maximum)} characters.` : `The ${attr} may not be greater than ${String(issue.maximum)}.`;
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1 ? `The ${attr} field is required.` : `The ${attr} must be at least ${String(issue.minimum)}.`;
    case 'invalid_value':
      return `The selected ${attr} is invalid.`;
    case 'invalid_format':
      return `The ${attr} format is invalid.`;
    case 'custom':
      return issue.message;
    default:
      return `The ${attr} is invalid.`;
  }
}

/** A member id as the API takes it: an integer, or its digits as a string (real clients send `["10001"]`). */
export const memberIdInput = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/** Parses `body` with `schema` or throws a 422 in Tallyfy's (Laravel's) shape. */
export function validate<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  // reportInput: a wrong type is told apart from a missing field ("must be a string" vs "is required").
  const result = schema.safeParse(body ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || 'body';
    (errors[key] ??= []).push(laravelMessage(issue));
  }
  throw validationError(errors);
}

/** How an empty `links` is written: `{}` or `[]` (both occur in the real API). */
export type EmptyLinks = 'object' | 'array';

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** Page size when the request has no `per_page`. */
  defaultPerPage: number;
  /** Absolute URL of the list without query (for `links`). */
  url: string;
  emptyLinks: EmptyLinks;
}

/** One page of `items` as `{data, meta:{pagination}}`: `page` 1-based, `per_page` ≤100, `without_pagination=true`. */
export function paginate<T>(items: T[], query: URLSearchParams, options: PaginateOptions): { data: T[]; meta: { pagination: Record<string, unknown> } } {
  const all = query.get('without_pagination') === 'true';
  const requested = Number.parseInt(query.get('per_page') ?? '', 10);
  const perPage = all ? Math.max(items.length, 1) : Math.min(100, Math.max(1, Number.isFinite(requested) ? requested : options.defaultPerPage));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const pageRequested = Number.parseInt(query.get('page') ?? '1', 10);
  const page = all ? 1 : Math.max(1, Number.isFinite(pageRequested) ? pageRequested : 1);
  const data = items.slice((page - 1) * perPage, page * perPage);
  const linkTo = (target: number): string => {
    const next = new URLSearchParams(query);
    next.set('page', String(target));
    return `${options.url}?${next.toString()}`;
  };
  const links: Record<string, string> = {};
  if (page > 1) links.previous = linkTo(Math.min(page - 1, totalPages));
  if (page < totalPages) links.next = linkTo(page + 1);
  return {
    data,
    meta: {
      pagination: {
        total: items.length,
        count: data.length,
        per_page: perPage,
        current_page: page,
        total_pages: totalPages,
        links: Object.keys(links).length > 0 ? links : options.emptyLinks === 'array' ? [] : {},
      },
    },
  };
}

/** Parses `with=a,b` into a set. */
export function includes(query: URLSearchParams): Set<string> {
  return new Set((query.get('with') ?? '').split(',').map((part) => part.trim()).filter(Boolean));
}
