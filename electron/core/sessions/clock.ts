/** Time and timers, injectable so that idle expiry and rate limits can be tested without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setInterval(callback: () => void, ms: number): ClockTimer;
  clearInterval(timer: ClockTimer): void;
}

/** An opaque timer handle. */
export type ClockTimer = { readonly id: number } | ReturnType<typeof setInterval>;

/** The real clock. Its intervals are `unref`ed so they never keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setInterval(callback, ms) {
    const timer = setInterval(callback, ms);
    timer.unref();
    return timer;
  },
  clearInterval(timer) {
    clearInterval(timer as ReturnType<typeof setInterval>);
  },
};
