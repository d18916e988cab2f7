import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** How many failures a key (usually a client address) may have per window. */
export interface AttemptLimit {
  /** Failures allowed per window. */
  maxFailures: number;
  /** Window length, ms (rounded up to whole seconds). */
  windowMs: number;
}

/** Failed sign-ins per address: 10 per 15 minutes. */
export const defaultAttemptLimit: AttemptLimit = { maxFailures: 10, windowMs: 15 * 60_000 };

/** Wrong admin tokens per address: 10 per 5 minutes. */
export const defaultAdminGuessLimit: AttemptLimit = { maxFailures: 10, windowMs: 5 * 60_000 };

/**
 * Counts failures per key and says when a key has used them up. The one limiter interface of
 * the core (sign-ins, admin-token guesses): the memory store below on one node; a cluster plugs
 * a shared store (rate-limiter-flexible's RateLimiterRedis) into {@link createAttemptLimiter}.
 * A success never resets the count: an attacker holding one valid key gains nothing by using it.
 */
export interface AttemptLimiter {
  /** Ms until `key` may try again; 0 when it may now. */
  blockedFor(key: string): Promise<number>;
  /** Counts one failure; resolves with the ms `key` is blocked for after it (0 when it is not). */
  fail(key: string): Promise<number>;
}

/** An {@link AttemptLimiter} over a rate-limiter-flexible store (default: in memory). */
export function createAttemptLimiter(limit: AttemptLimit = defaultAttemptLimit, store?: RateLimiterAbstract): AttemptLimiter {
  const limiter = store ?? new RateLimiterMemory({ points: limit.maxFailures, duration: Math.max(1, Math.ceil(limit.windowMs / 1000)) });
  const points = limit.maxFailures;
  return {
    async blockedFor(key) {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= points ? Math.max(1, res.msBeforeNext) : 0;
    },
    async fail(key) {
      const res = await limiter.penalty(key, 1);
      return res.consumedPoints >= points ? Math.max(1, res.msBeforeNext) : 0;
    },
  };
}
