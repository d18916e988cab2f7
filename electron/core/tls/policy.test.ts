import { describe, expect, it } from 'vitest';

import { cleartextOnLan, tlsEnabled } from './policy';

describe('tlsEnabled', () => {
  it('is off on loopback and on for any address beyond it, unless told', () => {
    expect(tlsEnabled({ host: '127.0.0.1' })).toBe(false);
    expect(tlsEnabled({ host: 'localhost' })).toBe(false);
    expect(tlsEnabled({ host: '0.0.0.0' })).toBe(true);
    expect(tlsEnabled({ host: '192.168.1.20' })).toBe(true);
    expect(tlsEnabled({ host: '127.0.0.1', tls: true })).toBe(true);
    expect(tlsEnabled({ host: '0.0.0.0', tls: false })).toBe(false);
  });

  it('is on when a certificate of the user’s own is given', () => {
    expect(tlsEnabled({ host: '127.0.0.1', tlsCert: '/etc/ssl/gw.pem' })).toBe(true);
  });
});

describe('cleartextOnLan', () => {
  it('is true only for a LAN binding with TLS turned off', () => {
    expect(cleartextOnLan({ host: '0.0.0.0', tls: false })).toBe(true);
    expect(cleartextOnLan({ host: '0.0.0.0' })).toBe(false);
    expect(cleartextOnLan({ host: '127.0.0.1', tls: false })).toBe(false);
  });
});
