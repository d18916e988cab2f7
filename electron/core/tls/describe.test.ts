import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ensureSelfSignedCertificate } from './certificate';
import { tlsBannerLines, tlsHelp } from './describe';

const tls = {
  fingerprint256: 'AB:'.repeat(31) + 'CD',
  selfSigned: true,
  validTo: '2029-01-01T00:00:00.000Z',
  names: ['localhost'],
  certFile: '/data/tls-cert.pem',
};

describe('tlsBannerLines', () => {
  it('shows the certificate file and its SHA-256 fingerprint', () => {
    const text = tlsBannerLines({ tls }).join('\n');
    expect(text).toContain('self-signed certificate /data/tls-cert.pem');
    expect(text).toContain(`SHA-256      ${tls.fingerprint256}`);
    expect(text).not.toContain('WARNING');
  });

  it('warns that keys cross the LAN in clear with --no-tls on the LAN', () => {
    expect(tlsBannerLines({ cleartextOnLan: true }).join('\n')).toMatch(
      /WARNING .*API keys, the access code and the admin token cross the LAN in clear/,
    );
    expect(tlsBannerLines({})).toEqual([]);
  });
});

describe('tlsHelp', () => {
  it('gives the kept certificate’s fingerprint when TLS is on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gw-tls-help-'));
    const config = { host: '0.0.0.0', port: 9001, dataDir };
    expect(tlsHelp(config)).toMatch(/Certificate: none yet/);
    const kept = await ensureSelfSignedCertificate({ dataDir, names: { dns: ['localhost'], ips: ['127.0.0.1'] } });
    expect(tlsHelp(config)).toContain(`SHA-256 ${kept.material.fingerprint256}`);
    expect(tlsHelp(config, ['192.168.1.20'])).toContain('https://127.0.0.1:9001/  https://192.168.1.20:9001/');
  });

  it('says TLS is off on loopback, and warns for --no-tls on the LAN', () => {
    const dataDir = '/nowhere';
    expect(tlsHelp({ host: '127.0.0.1', port: 9001, dataDir })).toMatch(/^TLS: off/);
    expect(tlsHelp({ host: '127.0.0.1', port: 9001, dataDir })).not.toContain('WARNING');
    expect(tlsHelp({ host: '0.0.0.0', port: 9001, dataDir, tls: false })).toMatch(/WARNING: .* cross the LAN in clear/);
  });
});
