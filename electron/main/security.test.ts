import { X509Certificate } from 'node:crypto';

import { generate } from 'selfsigned';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./testing/electronMock')).createElectronMock());

const { contentSecurityPolicy, isOwnGatewayCertificate } = await import('./security');

describe('isOwnGatewayCertificate (the local chat pane over wss://127.0.0.1)', () => {
  it('accepts exactly the gateway’s certificate on loopback, and nothing else', async () => {
    const gateway = await generate([{ name: 'commonName', value: 'gateway' }], { keyType: 'ec', algorithm: 'sha256' });
    const stranger = await generate([{ name: 'commonName', value: 'stranger' }], { keyType: 'ec', algorithm: 'sha256' });
    const fingerprint = new X509Certificate(gateway.cert).fingerprint256;
    expect(isOwnGatewayCertificate('wss://127.0.0.1:9001/', gateway.cert, fingerprint)).toBe(true);
    expect(isOwnGatewayCertificate('https://localhost:9001/admin', gateway.cert, fingerprint)).toBe(true);
    expect(isOwnGatewayCertificate('wss://127.0.0.1:9001/', stranger.cert, fingerprint)).toBe(false);
    expect(isOwnGatewayCertificate('https://example.com/', gateway.cert, fingerprint)).toBe(false);
    expect(isOwnGatewayCertificate('wss://127.0.0.1.evil.example/', gateway.cert, fingerprint)).toBe(false);
    expect(isOwnGatewayCertificate('wss://127.0.0.1:9001/', gateway.cert, undefined)).toBe(false);
    expect(isOwnGatewayCertificate('wss://127.0.0.1:9001/', 'not pem', fingerprint)).toBe(false);
  });

  it('lets the window connect to the gateway over wss on loopback', () => {
    expect(contentSecurityPolicy).toContain('wss://127.0.0.1:*');
  });
});
