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

/** Keys whose `false` says something (a rejection), so lean shaping keeps it. */
const meaningfulFalse = new Set(['is_approved', 'approved']);

/** `2026-12-06T15:00:42.123Z` → `2026-12-06T15:00Z`: to the minute, which is what people ask about. */
const isoTimestamp = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}):\d{2}(?:\.\d+)?Z$/;

/** The line that replaces a list's `meta`: how many more there are and how to get them. */
function moreLine(meta: Record<string, unknown>): string | undefined {
  const total = typeof meta.total === 'number' ? meta.total : undefined;
  const returned = typeof meta.returned === 'number' ? meta.returned : undefined;
  const page = typeof meta.page === 'number' ? meta.page : 1;
  const pages = typeof meta.total_pages === 'number' ? meta.total_pages : page;
  if (meta.truncated !== true) return undefined;
  if (page < pages && total !== undefined && returned !== undefined) {
    const before = typeof meta.per_page === 'number' ? (page - 1) * meta.per_page : (page - 1) * returned;
    return `${Math.max(0, total - before - returned)} more — ask with page=${page + 1}`;
  }
  return typeof meta.hint === 'string' ? meta.hint : 'Some items were left out; narrow the query.';
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value);

/**
 * A list of objects as a table: `{ columns: [...], rows: [[...], ...] }`, each key said once instead
 * of once per item (a value an item lacks is null in its row).
 */
export function asTable(items: ReadonlyArray<Record<string, unknown>>): {
  columns: string[];
  rows: unknown[][];
  all?: Record<string, unknown>;
} {
  const keys: string[] = [];
  for (const item of items) for (const key of Object.keys(item)) if (!keys.includes(key)) keys.push(key);
  // A value every row has alike is said once, in `all`.
  const all: Record<string, unknown> = {};
  for (const key of keys) {
    const first = JSON.stringify(items[0]?.[key]);
    if (items.length > 1 && items.every((item) => key in item && JSON.stringify(item[key]) === first)) all[key] = items[0]?.[key];
  }
  // A position that is just the row number is said by the order of the rows.
  const ordinal = items.every((item, index) => item.position === index + 1);
  const columns = keys.filter((key) => !(key in all) && !(ordinal && key === 'position'));
  const table: { columns: string[]; rows: unknown[][]; all?: Record<string, unknown> } = {
    columns,
    rows: items.map((item) => columns.map((column) => (column in item ? item[column] : null))),
  };
  if (Object.keys(all).length > 0) table.all = all;
  return table;
}

/** The items of a table made by {@link asTable} (or a plain list), as objects: what a reader of either shape sees. */
export function tableItems(value: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.filter(isPlainObject);
  if (isPlainObject(value) && Array.isArray(value.columns) && Array.isArray(value.rows)) {
    const columns = value.columns as string[];
    const all = isPlainObject(value.all) ? value.all : {};
    return (value.rows as unknown[][]).map((row) => {
      const item: Record<string, unknown> = { ...all };
      columns.forEach((column, index) => {
        if (row[index] !== null && row[index] !== undefined) item[column] = row[index];
      });
      return item;
    });
  }
  return [];
}

function leanValue(value: unknown, key: string | undefined, depth: number): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (value === false) return key !== undefined && meaningfulFalse.has(key) ? false : undefined;
  if (typeof value === 'string') {
    const match = isoTimestamp.exec(value);
    return match ? `${match[1]}Z` : value;
  }
  if (typeof value !== 'object' || depth > 12) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => leanValue(item, undefined, depth + 1)).filter((item) => item !== undefined);
    if (items.length === 0) return undefined;
    return items.length >= 2 && items.every(isPlainObject) ? asTable(items as Array<Record<string, unknown>>) : items;
  }
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(record)) {
    if (name === 'meta' && inner && typeof inner === 'object' && !Array.isArray(inner) && Array.isArray(record.data)) {
      const more = moreLine(inner as Record<string, unknown>);
      if (more) out.more = more;
      continue;
    }
    // A full name says what first and last name say.
    if (
      (name === 'first_name' || name === 'last_name') &&
      typeof record.full_name === 'string' &&
      typeof inner === 'string' &&
      record.full_name.includes(inner)
    )
      continue;
    if (name === 'links' || name === 'link_self') continue;
    // "Updated" or "started" at the moment of creation says nothing more than created_at.
    if ((name === 'last_updated' || name === 'started_at') && inner !== undefined && inner === record.created_at) continue;
    const lean = leanValue(inner, name, depth + 1);
    if (lean !== undefined) out[name] = lean;
  }
  const keys = Object.keys(out);
  // `{ data: [...] }` with nothing left beside it is just the list.
  if (keys.length === 1 && keys[0] === 'data') return out.data;
  return keys.length > 0 ? out : undefined;
}

/**
 * A tool's JSON answer shaped for a model to read: empty values (null, "", [], {}) and `false` flags
 * dropped (except a meaningful `false` such as `is_approved`), links dropped, timestamps to the
 * minute, a list's `meta` turned into one `more` line ("14 more — ask with page=2") when
 * something was left out (dropped when nothing was, and `{data}` alone unwrapped), and a list of
 * objects written as a table ({@link asTable}). Ids, names, statuses, dates and every item
 * asked for stay; the list is never cut further. Text that is not JSON is returned unchanged.
 */
export function leanResult(text: string): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const lean = leanValue(value, undefined, 0);
  return JSON.stringify(lean ?? (Array.isArray(value) ? [] : {}));
}
