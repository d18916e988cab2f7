import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../config/config';

import { certificateNames, ensureSelfSignedCertificate, loadOwnCertificate, peekFingerprint, selfSignedFiles } from './certificate';

const fingerprintShape = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
const names = { dns: ['localhost', 'desk-pc', 'desk-pc.local'], ips: ['127.0.0.1', '::1', '192.168.1.20'] };
const tempDir = () => mkdtempSync(join(tmpdir(), 'gw-tls-'));

/** A certificate "of the user's own" (made here, the way a user's CA or mkcert would give one). */
async function ownPair(dir: string, commonName = 'gateway.example.test'): Promise<{ cert: string; key: string; fingerprint: string }> {
  const made = await generate([{ name: 'commonName', value: commonName }], { keyType: 'ec', algorithm: 'sha256' });
  const cert = join(dir, `${commonName}.crt`);
  const key = join(dir, `${commonName}.key`);
  writeFileSync(cert, made.cert);
  writeFileSync(key, made.private, { mode: 0o600 });
  return { cert, key, fingerprint: new X509Certificate(made.cert).fingerprint256 };
}

describe('ensureSelfSignedCertificate', () => {
  it('generates a certificate for localhost, the host name and the LAN addresses, key file 0600, fingerprint as browsers show it', async () => {
    const dataDir = tempDir();
    const result = await ensureSelfSignedCertificate({ dataDir, names });
    expect(result.generatedBecause).toBe('none was kept yet');
    expect(result.material.fingerprint256).toMatch(fingerprintShape);
    expect(result.material.selfSigned).toBe(true);
    const certificate = new X509Certificate(readFileSync(join(dataDir, selfSignedFiles.cert), 'utf8'));
    expect(certificate.fingerprint256).toBe(result.material.fingerprint256);
    expect(certificate.subjectAltName).toContain('DNS:localhost');
    expect(certificate.subjectAltName).toContain('DNS:desk-pc.local');
    expect(certificate.subjectAltName).toContain('IP Address:192.168.1.20');
    expect(certificate.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(certificate.checkHost('desk-pc')).toBe('desk-pc');
    expect(certificate.checkIP('192.168.1.20')).toBe('192.168.1.20');
    expect(statSync(join(dataDir, selfSignedFiles.key)).mode & 0o777).toBe(0o600);
    // Valid today and for more than two years.
    expect(new Date(certificate.validTo).getTime() - Date.now()).toBeGreaterThan(800 * 24 * 3600 * 1000);
  });

  it('reuses the kept certificate, so the fingerprint stays the same across starts', async () => {
    const dataDir = tempDir();
    const first = await ensureSelfSignedCertificate({ dataDir, names });
    const second = await ensureSelfSignedCertificate({ dataDir, names });
    expect(second.generatedBecause).toBeUndefined();
    expect(second.material.fingerprint256).toBe(first.material.fingerprint256);
    expect(second.missingNames).toEqual([]);
  });

  it('reports names of this machine the kept certificate does not cover (a new LAN address) without regenerating', async () => {
    const dataDir = tempDir();
    const first = await ensureSelfSignedCertificate({ dataDir, names });
    const moved = await ensureSelfSignedCertificate({ dataDir, names: { ...names, ips: [...names.ips, '10.0.0.7'] } });
    expect(moved.material.fingerprint256).toBe(first.material.fingerprint256);
    expect(moved.missingNames).toEqual(['10.0.0.7']);
  });

  it('regenerates when the kept one has expired, and says so', async () => {
    const dataDir = tempDir();
    const first = await ensureSelfSignedCertificate({ dataDir, names });
    const later = new Date(Date.now() + 900 * 24 * 3600 * 1000);
    const renewed = await ensureSelfSignedCertificate({ dataDir, names, now: later });
    expect(renewed.generatedBecause).toMatch(/^the kept one expired on /);
    expect(renewed.material.fingerprint256).not.toBe(first.material.fingerprint256);
  });

  it('regenerates when the kept files are unreadable or do not belong together', async () => {
    const dataDir = tempDir();
    const first = await ensureSelfSignedCertificate({ dataDir, names });
    writeFileSync(join(dataDir, selfSignedFiles.cert), 'not a certificate');
    const broken = await ensureSelfSignedCertificate({ dataDir, names });
    expect(broken.generatedBecause).toBe('the kept one is not a valid certificate and key');
    expect(broken.material.fingerprint256).not.toBe(first.material.fingerprint256);

    const other = await ownPair(tempDir());
    writeFileSync(join(dataDir, selfSignedFiles.key), readFileSync(other.key));
    const mismatched = await ensureSelfSignedCertificate({ dataDir, names });
    expect(mismatched.generatedBecause).toBe('the kept key does not match the kept certificate');
  });
});

describe('loadOwnCertificate', () => {
  it('loads a matching certificate and key', async () => {
    const own = await ownPair(tempDir());
    const material = loadOwnCertificate(own.cert, own.key);
    expect(material).toMatchObject({ fingerprint256: own.fingerprint, selfSigned: false, certFile: own.cert });
  });

  it.each([
    ['a missing certificate', (p: { cert: string; key: string }) => [p.cert + '.nope', p.key], /^--tls-cert: no file at .*\.nope$/],
    ['a missing key', (p: { cert: string; key: string }) => [p.cert, p.key + '.nope'], /^--tls-key: no file at .*\.nope$/],
    ['a folder', (p: { cert: string; key: string; dir: string }) => [p.dir, p.key], /^--tls-cert: .* is a folder, not a PEM file$/],
    [
      'a certificate that is not PEM',
      (p: { cert: string; key: string; junk: string }) => [p.junk, p.key],
      /^--tls-cert: .* is not a PEM certificate/,
    ],
    [
      'a key that is not PEM',
      (p: { cert: string; key: string; junk: string }) => [p.cert, p.junk],
      /^--tls-key: .* is not a PEM private key$/,
    ],
    [
      'a key of another certificate',
      (p: { cert: string; key: string; otherKey: string }) => [p.cert, p.otherKey],
      /^--tls-key: the key in .* does not belong to the certificate in /,
    ],
  ])('refuses %s with one clear line', async (_name, files, message) => {
    const dir = tempDir();
    const own = await ownPair(dir);
    const other = await ownPair(dir, 'other.example.test');
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'hello');
    mkdirSync(join(dir, 'folder'));
    const [cert, key] = files({ ...own, dir: join(dir, 'folder'), junk, otherKey: other.key });
    const attempt = () => loadOwnCertificate(cert!, key!);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('refuses an expired certificate', async () => {
    const own = await ownPair(tempDir());
    expect(() => loadOwnCertificate(own.cert, own.key, new Date(Date.now() + 400 * 24 * 3600 * 1000))).toThrow(
      /^--tls-cert: the certificate in .* expired on /,
    );
  });
});

describe('certificateNames', () => {
  it('lists localhost, the host name with .local, loopback and LAN addresses but not link-local ones', () => {
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
      eth0: [
        { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
        { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 },
      ],
    } as unknown as Parameters<typeof certificateNames>[1];
    expect(certificateNames('Desk-PC', interfaces, '10.1.2.3')).toEqual({
      dns: ['localhost', 'desk-pc', 'desk-pc.local'],
      ips: ['127.0.0.1', '::1', '192.168.1.20', '10.1.2.3'],
    });
  });
});

describe('peekFingerprint', () => {
  it('reads the kept or own certificate without generating one', async () => {
    const dataDir = tempDir();
    expect(peekFingerprint({ dataDir })).toBeUndefined();
    const kept = await ensureSelfSignedCertificate({ dataDir, names });
    expect(peekFingerprint({ dataDir })?.fingerprint256).toBe(kept.material.fingerprint256);
    const own = await ownPair(tempDir());
    expect(peekFingerprint({ dataDir, tlsCert: own.cert })?.fingerprint256).toBe(own.fingerprint);
  });
});
