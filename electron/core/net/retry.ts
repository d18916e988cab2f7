import { setTimeout as delay } from 'node:timers/promises';

/**
 * Retrying HTTP calls, for every client in the core (the Tallyfy client, the agent's Claude calls):
 * which failures are worth another try, how long to wait (`Retry-After`, else exponential backoff
 * with jitter), and an abortable wait.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff delay in milliseconds, doubled per retry. */
  baseDelayMs: number;
  /** Largest backoff delay in milliseconds. */
  maxDelayMs: number;
  /** Largest `Retry-After` honoured, in milliseconds; a longer one gives up instead of waiting. */
  maxRetryAfterMs: number;
}

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

/**
 * The wait the server asks for, in milliseconds: `retry-after-ms`, else `Retry-After` as delta
 * seconds or an HTTP date (relative to `now`); undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Pick<Headers, 'get'> | null | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1-based): the server's `askedMs` when given (undefined,
 * meaning give up, when it exceeds `maxRetryAfterMs`), else exponential backoff
 * (`baseDelayMs · 2^(retry-1)`, capped at `maxDelayMs`) with ±20% jitter. Whole milliseconds.
 */
export function retryDelayMs(
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs'>,
  retry: number,
  askedMs?: number,
  random = Math.random,
): number | undefined {
  if (askedMs !== undefined) return askedMs > policy.maxRetryAfterMs ? undefined : Math.round(askedMs);
  const base = Math.min(policy.baseDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}
