import type { Clock, ClockTimer } from '../clock';

/** A manual clock for tests: time moves only through {@link FakeClock.advance}, which fires due intervals in order. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, { callback: () => void; ms: number; due: number }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setInterval(callback: () => void, ms: number): ClockTimer {
    const id = this.#nextId++;
    this.#timers.set(id, { callback, ms: Math.max(1, ms), due: this.#now + Math.max(1, ms) });
    return { id };
  }

  clearInterval(timer: ClockTimer): void {
    if (typeof timer === 'object' && timer !== null && 'id' in timer && typeof timer.id === 'number') this.#timers.delete(timer.id);
  }

  /** Moves time forward by `ms`, running every interval that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: { id: number; due: number } | undefined;
      for (const [id, timer] of this.#timers) if (timer.due <= end && (!next || timer.due < next.due)) next = { id, due: timer.due };
      if (!next) break;
      const timer = this.#timers.get(next.id);
      if (!timer) continue;
      this.#now = timer.due;
      timer.due += timer.ms;
      timer.callback();
    }
    this.#now = end;
  }
}
