import { createHash } from 'node:crypto';

/**
 * A short, stable fingerprint of a token for logs (`tok_` + 8 hex of its SHA-256): enough to tell
 * callers apart, useless for signing in. Never log the token itself.
 */
export function tokenFingerprint(token: string): string {
  return `tok_${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}
