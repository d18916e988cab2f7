import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const info = 'tallyfy-gw cluster secret v1';

function keyFor(secret: string, salt: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from(salt, 'utf8'), Buffer.from(info, 'utf8'), 32));
}

/**
 * Encrypts `plain` for keeping in Redis: AES-256-GCM under a key derived (HKDF-SHA256) from
 * `secret` (the admin token every node of the cluster shares) and `salt` (the key prefix), with a
 * fresh 96-bit IV. Returns `v1.` + base64url(iv | tag | ciphertext). Whoever reads Redis without
 * the admin token learns nothing but the length.
 */
export function sealSecret(plain: string, secret: string, salt: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, salt), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** The plain text of a {@link sealSecret} value; undefined when it was sealed with another secret or salt, or is damaged. */
export function openSecret(sealed: string, secret: string, salt: string): string | undefined {
  if (!sealed.startsWith('v1.')) return undefined;
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  if (raw.length < 28) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, salt), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
