/**
 * How tools shape what they return: compact JSON, objects trimmed to the fields a model needs,
 * lists paged with a `meta` that says when something was left out.
 */

/** Upper bound of one tool result's text, in characters (Tallyfy's own server caps at about 25 KB). */
export const maxResultChars = 24_000;

/** Items per page a list tool returns unless asked otherwise. */
export const defaultPageSize = 20;

/** `meta` of a listed result: enough for a model to ask for the next page. */
export interface ListMeta {
  /** Items Tallyfy has in total for this query (when it said). */
  total: number;
  /** Items in this answer. */
  returned: number;
  page: number;
  total_pages: number;
  /** True when this answer holds fewer items than exist (more pages, or trimmed to fit). */
  truncated: boolean;
  /** What to do to see more, when truncated. */
  hint?: string;
}

export interface Listed<T> {
  data: T[];
  meta: ListMeta;
}

/** Keeps only `keys` of `value` that are present and not undefined (null is kept: it means something). */
export function pick<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const key of keys) if (record[key] !== undefined) out[key] = record[key];
  return out;
}

/** Drops HTML tags and squeezes whitespace; long text is cut at `max` characters (default 500) with an ellipsis. */
export function plain(text: unknown, max = 500): string | undefined {
  if (typeof text !== 'string') return undefined;
  const clean = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!clean) return undefined;
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** `{ [key]: plain(text, max) }` to spread into a trimmed object, or `{}` when {@link plain} leaves no text. */
export function plainField(key: string, text: unknown, max?: number): Record<string, string> {
  const clean = plain(text, max);
  return clean ? { [key]: clean } : {};
}

/**
 * A list answer. With `pagedUpstream`, `items` is the page Tallyfy returned and `total`/`totalPages`
 * are Tallyfy's; otherwise `items` is the whole list and is paged here by `page`/`perPage`.
 */
export function listed<T, U>(
  items: readonly T[],
  trim: (item: T) => U,
  paging: { page: number; perPage: number; total?: number; totalPages?: number; pagedUpstream: boolean },
): Listed<U> {
  const { page, perPage } = paging;
  const slice = paging.pagedUpstream ? items : items.slice((page - 1) * perPage, page * perPage);
  const total = paging.total ?? items.length;
  const totalPages = paging.totalPages ?? Math.max(1, Math.ceil(total / perPage));
  const truncated = page < totalPages || slice.length < Math.min(perPage, Math.max(0, total - (page - 1) * perPage));
  const meta: ListMeta = { total, returned: slice.length, page, total_pages: totalPages, truncated };
  if (page < totalPages) meta.hint = `Showing page ${page} of ${totalPages}; call again with page=${page + 1} for more.`;
  return { data: slice.map(trim), meta };
}

/** The longest array inside `value` (depth-first), with its holder, for trimming. */
function longestArray(value: unknown, depth = 0): unknown[] | undefined {
  if (depth > 6 || value === null || typeof value !== 'object') return undefined;
  let best: unknown[] | undefined = Array.isArray(value) && value.length > 1 ? value : undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const inner = longestArray(item, depth + 1);
    if (inner && (!best || JSON.stringify(inner).length > JSON.stringify(best).length)) best = inner;
  }
  return best;
}

/**
 * Serialises a tool's answer as compact JSON no longer than `max` characters: the biggest list
 * is halved until it fits (and `meta.truncated`/`truncated_note` says so); as a last resort the
 * text is cut.
 */
export function toJsonText(value: unknown, max = maxResultChars): string {
  let text = JSON.stringify(value ?? null);
  if (text.length <= max) return text;
  const copy = JSON.parse(text) as unknown;
  for (let round = 0; round < 20 && text.length > max; round += 1) {
    const array = longestArray(copy);
    if (!array) break;
    array.splice(Math.ceil(array.length / 2));
    if (copy && typeof copy === 'object' && !Array.isArray(copy)) {
      const record = copy as Record<string, unknown>;
      const meta = record.meta;
      if (meta && typeof meta === 'object') {
        (meta as Record<string, unknown>).truncated = true;
        (meta as Record<string, unknown>).returned = Array.isArray(record.data) ? record.data.length : undefined;
      }
      record.truncated_note = 'Some list items were left out to keep this answer small; narrow the query or page through it.';
    }
    text = JSON.stringify(copy);
  }
  return text.length <= max ? text : `${text.slice(0, max - 40)}… [answer cut at ${max} characters]`;
}
