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
  /** Secrets by their first characters; built when first needed after a change. */
  #index: SecretIndex | undefined;
  /** A registry whose secrets are scrubbed too, after this one's (see {@link SecretRegistry.layered}). */
  readonly #over: SecretRegistry | undefined;
  #serverWide: SecretRegistry | undefined;

  /** `over`: another registry scrubbed after this one's own secrets (read live, so its changes apply). */
  constructor(options: { over?: SecretRegistry } = {}) {
    this.#over = options.over;
  }

  /**
   * The server-wide secrets (Anthropic key, admin token, access code, the desk user's Tallyfy
   * key), a subset of this registry: what every session's output is scrubbed of besides its own
   * credentials (docs/security.md). Empty until {@link addServerWide} is called.
   */
  get serverWide(): SecretRegistry {
    return (this.#serverWide ??= new SecretRegistry());
  }

  /** Registers a server-wide secret: scrubbed from logs, and from every session's output. */
  addServerWide(secret: string | undefined): void {
    this.add(secret);
    this.serverWide.add(secret);
  }

  /**
   * A registry scrubbing `own` secrets plus (live) the server-wide ones, and nothing of any other
   * session: what one session's or one MCP caller's output is scrubbed with.
   */
  scoped(own: readonly (string | undefined)[] = []): SecretRegistry {
    const registry = new SecretRegistry({ over: this.serverWide });
    for (const secret of own) registry.add(secret);
    return registry;
  }

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
    const own = this.#scrubOwn(text);
    return this.#over ? this.#over.scrubKnown(own) : own;
  }

  #scrubOwn(text: string): string {
    if (this.#secrets.size === 0) return text;
    if (this.#secrets.size <= indexThreshold) {
      let out = text;
      for (const secret of this.#indexed().longestFirst) {
        if (out.includes(secret)) out = out.split(secret).join(REDACTED);
      }
      return out;
    }
    const { byKey3: index } = this.#indexed();
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
   * Scrubs one stretch of streamed text: `ready` is what may be sent now (registered secrets
   * replaced), `held` is a tail that may be the start of a secret; put it in front of the next
   * stretch. A secret split across stretches is therefore never sent in pieces, and a whole one is
   * never cut (even one whose last characters are also its first). Cost grows with the longest
   * secret, not with the number of secrets.
   */
  scrubStreamed(text: string): { ready: string; held: string } {
    const cut = this.heldTailStart(text);
    return { ready: this.scrubKnown(text.slice(0, cut)), held: text.slice(cut) };
  }

  /**
   * The smallest index `i` such that `text.slice(i)` is a proper prefix of one of this registry's
   * own secrets (not those it is layered over) and `i` is not inside a whole secret in `text`;
   * `text.length` when there is none. Content-aware: it reveals these secrets' first characters to
   * whoever sees where text is cut, so use it only with secrets the reader owns.
   */
  heldTailStart(text: string): number {
    if (this.#secrets.size === 0) return text.length;
    const index = this.#indexed();
    for (let i = Math.max(0, text.length - index.longest + 1); i < text.length; i++) {
      if (startsSecret(text, i, index) && !insideSecret(text, i, index)) return i;
    }
    return text.length;
  }

  /**
   * The start of a whole registered secret (own or layered) that begins before `at` and ends
   * after it in `text`, or `at` when none does: where a cut at `at` must move so no secret is split.
   */
  cutOutside(text: string, at: number): number {
    let cut = at;
    if (this.#secrets.size > 0) {
      const index = this.#indexed();
      for (let start = Math.max(0, at - index.longest + 1); start < at && start + 3 <= text.length; start++) {
        if (index.byKey3.get(key3(text, start))?.some((secret) => start + secret.length > at && text.startsWith(secret, start))) {
          cut = start;
          break;
        }
      }
    }
    return this.#over ? this.#over.cutOutside(text, cut) : cut;
  }

  #indexed(): SecretIndex {
    return (this.#index ??= buildIndex([...this.#secrets.keys()]));
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

/** Registered secrets by their first characters (every secret has at least 4). */
interface SecretIndex {
  /** By {@link key3} of the first three characters, longest first. */
  byKey3: Map<number, string[]>;
  /** Every secret, longest first. */
  longestFirst: string[];
  /** The first character's code, and the first two as `c0 << 16 | c1`. */
  first1: Set<number>;
  first2: Set<number>;
  longest: number;
}

function buildIndex(secrets: readonly string[]): SecretIndex {
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  const index: SecretIndex = { byKey3: new Map(), longestFirst, first1: new Set(), first2: new Set(), longest: longestFirst[0]?.length ?? 0 };
  // In longest-first order, so a secret that extends another is matched whole.
  for (const secret of longestFirst) {
    const key = key3(secret, 0);
    const list = index.byKey3.get(key);
    if (list) list.push(secret);
    else index.byKey3.set(key, [secret]);
    index.first1.add(secret.charCodeAt(0));
    index.first2.add((secret.charCodeAt(0) << 16) | secret.charCodeAt(1));
  }
  return index;
}

/** True when `text.slice(at)` is a proper prefix of a registered secret. */
function startsSecret(text: string, at: number, index: SecretIndex): boolean {
  const length = text.length - at;
  if (length === 1) return index.first1.has(text.charCodeAt(at));
  if (length === 2) return index.first2.has((text.charCodeAt(at) << 16) | text.charCodeAt(at + 1));
  const tail = text.slice(at);
  return index.byKey3.get(key3(text, at))?.some((secret) => secret.length > length && secret.startsWith(tail)) ?? false;
}

/** True when a whole secret in `text` starts before `at` and ends after it. */
function insideSecret(text: string, at: number, index: SecretIndex): boolean {
  for (let start = Math.max(0, at - index.longest + 1); start < at && start + 3 <= text.length; start++) {
    if (index.byKey3.get(key3(text, start))?.some((secret) => start + secret.length > at && text.startsWith(secret, start))) return true;
  }
  return false;
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
