import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret (admin token, access code, resume token) with the expected one in
 * constant time, over their SHA-256 so that neither content nor length leaks. An empty expected
 * value never matches.
 */
export function tokensMatch(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return expected.length > 0 && timingSafeEqual(digest(given), digest(expected));
}
