import { systemClock, type Clock } from './clock';

/** Token-bucket limits. */
export interface RateLimit {
  /** Burst size: messages allowed at once. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
}

/** Default per-session message limit: bursts of 30, then 5 messages per second. */
export const defaultMessageRateLimit: RateLimit = { capacity: 30, refillPerSecond: 5 };

/** A token bucket: {@link TokenBucket.take} says whether one more message is allowed now. */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly limit: RateLimit = defaultMessageRateLimit,
    readonly clock: Clock = systemClock,
  ) {
    this.#tokens = limit.capacity;
    this.#updatedAt = clock.now();
  }

  /** Takes one token; false when the bucket is empty (the caller drops or refuses the message). */
  take(): boolean {
    const now = this.clock.now();
    this.#tokens = Math.min(this.limit.capacity, this.#tokens + ((now - this.#updatedAt) / 1000) * this.limit.refillPerSecond);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Sign-in attempt limits moved to the one limiter interface (net/attemptLimiter); re-exported for old imports. */
export { defaultAttemptLimit, type AttemptLimit } from '../net/attemptLimiter';
