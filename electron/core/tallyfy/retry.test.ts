import { describe, expect, it } from 'vitest';

import { backoffDelayMs, defaultRetryPolicy, isRetryableNetworkError, isRetryableStatus, parseRetryAfter } from './retry';

describe('retry policy', () => {
  it('retries 429 on any method, 502/503/504 on GET only', () => {
    expect(isRetryableStatus('POST', 429)).toBe(true);
    expect(isRetryableStatus('GET', 503)).toBe(true);
    expect(isRetryableStatus('PUT', 503)).toBe(false);
    expect(isRetryableStatus('GET', 500)).toBe(false);
    expect(isRetryableNetworkError('GET')).toBe(true);
    expect(isRetryableNetworkError('DELETE')).toBe(false);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
  });

  it('backs off exponentially with ±20% jitter, capped, and prefers Retry-After (capped at 30 s)', () => {
    expect(backoffDelayMs(defaultRetryPolicy, 1, undefined, () => 0)).toBe(400);
    expect(backoffDelayMs(defaultRetryPolicy, 1, undefined, () => 1)).toBe(600);
    expect(backoffDelayMs(defaultRetryPolicy, 3, undefined, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(defaultRetryPolicy, 10, undefined, () => 0.5)).toBe(8000);
    expect(backoffDelayMs(defaultRetryPolicy, 1, 3)).toBe(3000);
    expect(backoffDelayMs(defaultRetryPolicy, 1, 600)).toBe(30_000);
  });
});
