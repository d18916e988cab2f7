import { describe, expect, it } from 'vitest';

import { TokenBucket } from './rateLimiter';
import { FakeClock } from './testing/fakeClock';

describe('TokenBucket', () => {
  it('allows a burst, refuses beyond it, and refills with time', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1 }, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    clock.advance(999);
    expect(bucket.take()).toBe(false);
    clock.advance(1);
    expect(bucket.take()).toBe(true);
    clock.advance(60_000);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('FakeClock', () => {
  it('fires intervals in order while advancing', () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    const timer = clock.setInterval(() => seen.push(clock.now()), 10);
    clock.advance(35);
    expect(seen).toEqual([10, 20, 30]);
    clock.clearInterval(timer);
    clock.advance(100);
    expect(seen).toHaveLength(3);
  });
});
