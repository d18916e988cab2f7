/** Keys whose values are always replaced, wherever they appear in a logged or returned object. */
const secretKeys =
  /^(api[-_]?key|x-api-key|access[-_]?token|refresh[-_]?token|token|authorization|password|secret|access[-_]?code|admin[-_]?token|anthropic[-_]?api[-_]?key|tallyfy[-_]?api[-_]?key|cookie|set-cookie)$/i;

/** Patterns that look like credentials in free text. */
const secretPatterns: RegExp[] = [
  /\b(Bearer\s+)[^\s"',;]+/gi,
  /\bsk-ant-[A-Za-z0-9_-]{6,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /\b((?:api_key|apiKey|token|access_code)["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
];

export const REDACTED = '[redacted]';

/**
 * The credentials known at run time (session tokens, keys from settings). Their literal text is
 * scrubbed from every log line and error message, on top of the generic patterns.
 */
export class SecretRegistry {
  readonly #secrets = new Map<string, number>();
  /** Secrets by their first three characters, longest first; built when first needed after a change. */
  #index: Map<number, string[]> | undefined;

  /** Registers a secret; values shorter than 4 characters are ignored (too likely to be ordinary text). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    const count = this.#secrets.get(secret);
    if (count === undefined) this.#index = undefined;
    this.#secrets.set(secret, (count ?? 0) + 1);
  }

  /** Forgets one registration of a secret (a secret shared by two sessions stays until both release it). */
  remove(secret: string | undefined): void {
    if (!secret) return;
    const count = this.#secrets.get(secret);
    if (count === undefined) return;
    if (count <= 1) {
      this.#secrets.delete(secret);
      this.#index = undefined;
    } else this.#secrets.set(secret, count - 1);
  }

  get size(): number {
    return this.#secrets.size;
  }

  /**
   * Returns `text` with every registered secret replaced (literal matches only, no generic patterns):
   * for text meant for people, such as a model's answer. Cost grows with the text, not with the number
   * of secrets (thousands of sessions each register theirs).
   */
  scrubKnown(text: string): string {
    if (this.#secrets.size <= indexThreshold) {
      let out = text;
      for (const secret of this.#secrets.keys()) {
        if (out.includes(secret)) out = out.split(secret).join(REDACTED);
      }
      return out;
    }
    const index = (this.#index ??= buildIndex(this.#secrets.keys()));
    let out = '';
    let copied = 0;
    let i = 0;
    while (i + 3 <= text.length) {
      const candidates = index.get(key3(text, i));
      const found = candidates?.find((secret) => text.startsWith(secret, i));
      if (found) {
        out += text.slice(copied, i) + REDACTED;
        i += found.length;
        copied = i;
      } else i++;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /**
   * Where a registered secret may be starting at the end of `text`: the smallest index `i` such
   * that `text.slice(i)` is a proper prefix of a secret, or `text.length` when none is. A stream
   * can send `text.slice(0, i)` (scrubbed) and hold the rest until more text arrives.
   */
  heldTail(text: string): number {
    let cut = text.length;
    for (const secret of this.#secrets.keys()) {
      const from = Math.max(0, text.length - secret.length + 1);
      for (let i = from; i < cut; i += 1) {
        if (secret.startsWith(text.slice(i))) {
          cut = i;
          break;
        }
      }
    }
    return cut;
  }

  /** Returns `text` with every registered secret and credential-like pattern replaced. */
  scrub(text: string): string {
    let out = this.scrubKnown(text);
    for (const pattern of secretPatterns) {
      out = out.replace(pattern, (_match, prefix: unknown) =>
        typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED,
      );
    }
    return out;
  }
}

/** Above this many secrets, {@link SecretRegistry.scrubKnown} looks them up by prefix instead of trying each. */
const indexThreshold = 128;

/** A small-integer hash of three UTF-16 code units (exact for code units below 1024; matches are verified anyway). */
function key3(text: string, at: number): number {
  return ((text.charCodeAt(at) << 20) ^ (text.charCodeAt(at + 1) << 10) ^ text.charCodeAt(at + 2)) & 0x3fffffff;
}

function buildIndex(secrets: Iterable<string>): Map<number, string[]> {
  const index = new Map<number, string[]>();
  for (const secret of secrets) {
    const key = key3(secret, 0);
    const list = index.get(key);
    if (list) list.push(secret);
    else index.set(key, [secret]);
  }
  // Longest first, so a secret that extends another is replaced whole.
  for (const list of index.values()) list.sort((a, b) => b.length - a.length);
  return index;
}

/** A registry with no run-time secrets: applies the generic patterns only. */
export const genericSecrets = new SecretRegistry();

/**
 * Deep-copies `value` with secret-named keys replaced and every string scrubbed.
 * Errors become `{name, message, code}`; cycles and depth beyond 8 are cut.
 */
export function redact(value: unknown, secrets: SecretRegistry = genericSecrets, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: secrets.scrub(value.message),
      ...(code !== undefined ? { code } : {}),
      ...(value.stack ? { stack: secrets.scrub(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = secretKeys.test(key) && item !== undefined && item !== null && item !== '' ? REDACTED : redact(item, secrets, depth + 1, seen);
  }
  return out;
}
