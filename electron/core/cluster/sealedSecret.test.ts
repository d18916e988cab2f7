import { describe, expect, it } from 'vitest';

import { openSecret, sealSecret } from './sealedSecret';

describe('sealSecret / openSecret', () => {
  it('round-trips with the same admin token and prefix, and hides the plain text', () => {
    const sealed = sealSecret('K7QM-2XPA-9HTD', 'admin-token-of-the-cluster', 'tallyfy-gw:');
    expect(sealed).not.toContain('K7QM');
    expect(openSecret(sealed, 'admin-token-of-the-cluster', 'tallyfy-gw:')).toBe('K7QM-2XPA-9HTD');
  });

  it('gives nothing with another token, another prefix, or a damaged value', () => {
    const sealed = sealSecret('K7QM-2XPA-9HTD', 'admin-token-of-the-cluster', 'tallyfy-gw:');
    expect(openSecret(sealed, 'another-admin-token-entirely', 'tallyfy-gw:')).toBeUndefined();
    expect(openSecret(sealed, 'admin-token-of-the-cluster', 'other:')).toBeUndefined();
    expect(openSecret(`${sealed.slice(0, -3)}AAA`, 'admin-token-of-the-cluster', 'tallyfy-gw:')).toBeUndefined();
    expect(openSecret('plain', 'admin-token-of-the-cluster', 'tallyfy-gw:')).toBeUndefined();
  });

  it('seals the same code differently each time (fresh IV)', () => {
    expect(sealSecret('same', 't', 's')).not.toBe(sealSecret('same', 't', 's'));
  });
});
