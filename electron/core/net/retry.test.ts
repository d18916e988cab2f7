import { describe, expect, it } from 'vitest';

import { isRetryableNetworkError, isRetryableStatus, retryAfterMs, retryDelayMs, sleep } from './retry';

const policy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30_000 };

describe('retry', () => {
  it('retries 429 on any method, 502/503/504 on GET only', () => {
    expect(isRetryableStatus('POST', 429)).toBe(true);
    expect(isRetryableStatus('GET', 503)).toBe(true);
    expect(isRetryableStatus('PUT', 503)).toBe(false);
    expect(isRetryableStatus('GET', 500)).toBe(false);
    expect(isRetryableNetworkError('GET')).toBe(true);
    expect(isRetryableNetworkError('DELETE')).toBe(false);
  });

  it('reads retry-after-ms, then Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }))).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }))).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
  });

  it('backs off exponentially with ±20% jitter, capped; honours Retry-After up to the cap, else gives up', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(400);
    expect(retryDelayMs(policy, 1, undefined, () => 1)).toBe(600);
    expect(retryDelayMs(policy, 3, undefined, () => 0.5)).toBe(2000);
    expect(retryDelayMs(policy, 10, undefined, () => 0.5)).toBe(8000);
    expect(retryDelayMs(policy, 1, 3000)).toBe(3000);
    expect(retryDelayMs(policy, 1, 30_000)).toBe(30_000);
    expect(retryDelayMs(policy, 1, 30_001)).toBeUndefined();
  });

  it('sleeps, and stops at once with the signal’s reason when aborted', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const reason = new Error('stop now');
    const waiting = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
