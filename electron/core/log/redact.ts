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

  /** Registers a secret; values shorter than 4 characters are ignored (too likely to be ordinary text). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.#secrets.set(secret, (this.#secrets.get(secret) ?? 0) + 1);
  }

  /** Forgets one registration of a secret (a secret shared by two sessions stays until both release it). */
  remove(secret: string | undefined): void {
    if (!secret) return;
    const count = this.#secrets.get(secret);
    if (count === undefined) return;
    if (count <= 1) this.#secrets.delete(secret);
    else this.#secrets.set(secret, count - 1);
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** Returns `text` with every registered secret and credential-like pattern replaced. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets.keys()) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const pattern of secretPatterns) {
      out = out.replace(pattern, (_match, prefix: unknown) =>
        typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED,
      );
    }
    return out;
  }
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
