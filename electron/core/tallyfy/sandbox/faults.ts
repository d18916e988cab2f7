/** Faults the sandbox injects, for tests of retries, timeouts and error handling. All optional. */
export interface FaultOptions {
  /** Delay added before every answer, in milliseconds. Default 0. */
  latencyMs?: number;
  /** Share of requests (0–1) answered with `errorStatus` at random. Default 0. */
  errorRate?: number;
  /** Status for `errorRate` failures. Default 500. */
  errorStatus?: number;
  /** The next `requests` requests get 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit?: { requests: number; retryAfterSeconds: number };
  /** The next `count` requests get `status` (with a Tallyfy-style error body). */
  failNext?: { count: number; status: number; message?: string };
  /** The next N requests are never answered (the client's timeout fires). */
  hangNext?: number;
  /** The next N requests have their connection destroyed (a network error). */
  dropNext?: number;
  /** Only requests whose path matches count for the faults above (substring or RegExp). Default: all. */
  match?: string | RegExp;
}

/** What to do with one request. */
export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'status'; latencyMs: number; status: number; message: string; retryAfterSeconds?: number }
  | { kind: 'hang' }
  | { kind: 'drop'; latencyMs: number };

/** Run-time fault switchboard of a sandbox (change it any time, between or during tests). */
export class FaultController {
  #options: FaultOptions = {};
  readonly #random: () => number;

  constructor(initial: FaultOptions = {}, random: () => number = Math.random) {
    this.#random = random;
    this.set(initial);
  }

  /** The faults now in force (a copy; counters count down as requests arrive). */
  get current(): FaultOptions {
    return structuredClone(this.#options);
  }

  /** Merges `options` into the faults in force. */
  set(options: FaultOptions): void {
    this.#options = { ...this.#options, ...structuredClone(options) };
  }

  /** Removes every fault. */
  clear(): void {
    this.#options = {};
  }

  /** The next `requests` requests get 429 with `Retry-After: retryAfterSeconds` (default 0). */
  rateLimitNext(requests: number, retryAfterSeconds = 0): void {
    this.set({ rateLimit: { requests, retryAfterSeconds } });
  }

  /** The next `count` requests get `status`. */
  failNext(count: number, status: number, message?: string): void {
    this.set({ failNext: { count, status, message } });
  }

  /** The next `count` requests are never answered. */
  hangNext(count = 1): void {
    this.set({ hangNext: count });
  }

  /** The next `count` connections are destroyed. */
  dropNext(count = 1): void {
    this.set({ dropNext: count });
  }

  /** Decides the fate of one request (and counts down the one-shot faults). */
  decide(path: string): FaultDecision {
    const options = this.#options;
    const latencyMs = options.latencyMs ?? 0;
    const { match } = options;
    if (match !== undefined && !(typeof match === 'string' ? path.includes(match) : match.test(path))) return { kind: 'none', latencyMs };
    if (options.hangNext && options.hangNext > 0) {
      options.hangNext -= 1;
      return { kind: 'hang' };
    }
    if (options.dropNext && options.dropNext > 0) {
      options.dropNext -= 1;
      return { kind: 'drop', latencyMs };
    }
    if (options.rateLimit && options.rateLimit.requests > 0) {
      options.rateLimit.requests -= 1;
      return {
        kind: 'status',
        latencyMs,
        status: 429,
        message: "You've reached the request limit. Please try again later.",
        retryAfterSeconds: options.rateLimit.retryAfterSeconds,
      };
    }
    if (options.failNext && options.failNext.count > 0) {
      options.failNext.count -= 1;
      return { kind: 'status', latencyMs, status: options.failNext.status, message: options.failNext.message ?? 'Injected failure.' };
    }
    if (options.errorRate && this.#random() < options.errorRate) {
      return { kind: 'status', latencyMs, status: options.errorStatus ?? 500, message: 'Injected random failure.' };
    }
    return { kind: 'none', latencyMs };
  }
}
