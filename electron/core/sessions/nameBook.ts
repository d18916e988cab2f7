/** Tallyfy's object ids: 32 hex characters. */
const idPattern = /^[0-9a-f]{32}$/i;
/** The same, inside a text that is not JSON: `"id": "…"` followed in the same object by a title or name. */
const looseEntry = /"id"\s*:\s*"([0-9a-f]{32})"[^{}]*?"(?:title|name)"\s*:\s*"((?:[^"\\]|\\.){1,200})"/gi;

/** Default number of names a book keeps: the newest 2,000. */
export const defaultNameBookLimit = 2000;

/**
 * What the ids a session's tools returned refer to: a task's title, a process's or template's
 * name. Filled from the session's own tool results (nothing is fetched for it), so an approval
 * question can say "Finance approval" where the call's arguments only hold a 32-hex id. Bounded
 * to the newest `limit` names (default 2,000); lives as long as the session's conversation.
 */
export class NameBook {
  readonly #names = new Map<string, string>();

  constructor(private readonly limit = defaultNameBookLimit) {}

  /** Notes every `{id, title}` / `{id, name}` object in a tool's output (JSON, or JSON inside other text). */
  note(output: string): void {
    const trimmed = output.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        this.#walk(JSON.parse(trimmed) as unknown, 0);
        return;
      } catch {
        // Not JSON as a whole: look for entries in the text.
      }
    }
    for (const match of trimmed.matchAll(looseEntry)) {
      try {
        this.#add(match[1]!, JSON.parse(`"${match[2]!}"`) as string);
      } catch {
        this.#add(match[1]!, match[2]!);
      }
    }
  }

  #walk(value: unknown, depth: number): void {
    if (depth > 8 || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) this.#walk(item, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    // A lean list (mcp/toolOutput): `{columns: [...], rows: [[...]]}`, each key said once.
    if (Array.isArray(record.columns) && Array.isArray(record.rows)) {
      const columns = record.columns.map(String);
      for (const row of record.rows)
        if (Array.isArray(row)) this.#walk(Object.fromEntries(columns.map((column, index) => [column, row[index]])), depth + 1);
      return;
    }
    const label = typeof record.title === 'string' ? record.title : typeof record.name === 'string' ? record.name : undefined;
    if (typeof record.id === 'string' && label) this.#add(record.id, label);
    for (const item of Object.values(record)) if (item && typeof item === 'object') this.#walk(item, depth + 1);
  }

  #add(id: string, label: string): void {
    const name = label.trim();
    if (!idPattern.test(id) || !name) return;
    const key = id.toLowerCase();
    this.#names.delete(key);
    this.#names.set(key, name.length > 120 ? `${name.slice(0, 117)}…` : name);
    if (this.#names.size > this.limit) this.#names.delete(this.#names.keys().next().value!);
  }

  /** The names of the ids among `args` (top-level values and lists of ids), by id; empty when none is known. */
  namesFor(args: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    const look = (value: unknown): void => {
      if (typeof value !== 'string' || !idPattern.test(value)) return;
      const name = this.#names.get(value.toLowerCase());
      if (name) out[value] = name;
    };
    for (const value of Object.values(args)) {
      if (Array.isArray(value)) value.slice(0, 20).forEach(look);
      else look(value);
    }
    return out;
  }

  clear(): void {
    this.#names.clear();
  }
}
