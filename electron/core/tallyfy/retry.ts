/** Retry policy of the Tallyfy client (after the official CLI, tallyfy-api.md §5). */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 3. */
  maxRetries: number;
  /** First backoff delay in milliseconds, doubled per retry. Default 500. */
  baseDelayMs: number;
  /** Largest backoff delay in milliseconds. Default 8,000. */
  maxDelayMs: number;
  /** Largest `Retry-After` honoured, in milliseconds; longer waits give up instead. Default 30,000. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30_000 };

const idempotentMethods = new Set(['GET', 'HEAD']);

/** Whether a response status is retried: 429 on any method; 502/503/504 on GET/HEAD only. */
export function isRetryableStatus(method: string, status: number): boolean {
  if (status === 429) return true;
  return idempotentMethods.has(method) && (status === 502 || status === 503 || status === 504);
}

/** Whether a transport failure (no response) is retried: GET/HEAD only. */
export function isRetryableNetworkError(method: string): boolean {
  return idempotentMethods.has(method);
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into whole seconds, or undefined. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The wait before retry number `retry` (1-based): `Retry-After` when given, else exponential
 * backoff (`baseDelayMs · 2^(retry-1)`, capped at `maxDelayMs`) with ±20% jitter.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, retryAfterSeconds?: number, random = Math.random): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, policy.maxRetryAfterMs);
  const base = Math.min(policy.baseDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolveSleep();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
