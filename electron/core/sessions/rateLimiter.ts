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

/** Sign-in attempt limits per remote address. */
export interface AttemptLimit {
  /** Failed sign-ins allowed per window. Default 10. */
  maxFailures: number;
  /** Window length in ms. Default 15 minutes. */
  windowMs: number;
}

export const defaultAttemptLimit: AttemptLimit = { maxFailures: 10, windowMs: 15 * 60_000 };

/** Counts failed sign-ins per address in a sliding window; {@link SignInLimiter.blocked} refuses further tries. */
export class SignInLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(
    readonly limit: AttemptLimit = defaultAttemptLimit,
    readonly clock: Clock = systemClock,
  ) {}

  #recent(address: string): number[] {
    const since = this.clock.now() - this.limit.windowMs;
    const kept = (this.#failures.get(address) ?? []).filter((at) => at > since);
    if (kept.length) this.#failures.set(address, kept);
    else this.#failures.delete(address);
    return kept;
  }

  /** True when `address` has used up its failures for now. */
  blocked(address: string): boolean {
    return this.#recent(address).length >= this.limit.maxFailures;
  }

  /** Records one failed sign-in from `address`. */
  fail(address: string): void {
    this.#failures.set(address, [...this.#recent(address), this.clock.now()]);
  }

  /** Forgets the failures of `address` after a success. */
  succeed(address: string): void {
    this.#failures.delete(address);
  }
}
