import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';

import { ConfigError } from '../config/config';

/** A certificate and key the gateway serves HTTPS/WSS with. */
export interface TlsMaterial {
  /** PEM: the certificate (and any chain after it). */
  cert: string;
  /** PEM: the private key. Never logged. */
  key: string;
  /** SHA-256 fingerprint of the (leaf) certificate as browsers show it: `AB:12:…` (32 colon-separated uppercase hex bytes). */
  fingerprint256: string;
  /** True for the certificate the gateway generated (kept in the data dir); false for the user's own. */
  selfSigned: boolean;
  /** The certificate's last valid moment. */
  validTo: Date;
  /** The DNS names and IP addresses it is valid for (from its subjectAltName). */
  names: string[];
  /** The certificate file. */
  certFile: string;
}

/** File names of the generated certificate inside the data dir. */
export const selfSignedFiles = { cert: 'tls-cert.pem', key: 'tls-key.pem' } as const;

/** Days a generated certificate is valid: 825, the longest that macOS/iOS accept for a TLS server certificate. */
export const selfSignedValidityDays = 825;

/** The subjectAltName list of a certificate, e.g. `['localhost', '127.0.0.1']`. */
function altNames(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '')
    .split(', ')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter((entry) => entry !== '');
}

function describe(certificate: X509Certificate, pem: string, key: string, certFile: string, selfSigned: boolean): TlsMaterial {
  return {
    cert: pem,
    key,
    fingerprint256: certificate.fingerprint256,
    selfSigned,
    validTo: new Date(certificate.validTo),
    names: altNames(certificate),
    certFile,
  };
}

function readFor(option: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`${option}: no file at ${file}`);
    if (code === 'EACCES' || code === 'EPERM') throw new ConfigError(`${option}: cannot read ${file} (permission denied)`);
    if (code === 'EISDIR') throw new ConfigError(`${option}: ${file} is a folder, not a PEM file`);
    throw new ConfigError(`${option}: cannot read ${file} (${code ?? (error as Error).message})`);
  }
}

function parseCertificate(option: string, file: string, pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ConfigError(`${option}: ${file} is not a PEM certificate (expected "-----BEGIN CERTIFICATE-----")`);
  }
}

function parseKey(option: string, file: string, pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(pem) || /passphrase/i.test((error as Error).message);
    throw new ConfigError(
      encrypted
        ? `${option}: the key in ${file} is encrypted; give an unencrypted key (chmod 600 it)`
        : `${option}: ${file} is not a PEM private key`,
    );
  }
}

/**
 * Loads the user's own certificate and key (`--tls-cert` / `--tls-key`). Throws a
 * {@link ConfigError} with one line for a missing, unreadable or unparsable file, a key that does
 * not belong to the certificate, or a certificate that has expired or is not valid yet.
 */
export function loadOwnCertificate(certFile: string, keyFile: string, now: Date = new Date()): TlsMaterial {
  const certPath = resolve(certFile);
  const keyPath = resolve(keyFile);
  const certPem = readFor('--tls-cert', certPath);
  const keyPem = readFor('--tls-key', keyPath);
  const certificate = parseCertificate('--tls-cert', certPath, certPem);
  const key = parseKey('--tls-key', keyPath, keyPem);
  if (!certificate.checkPrivateKey(key)) {
    throw new ConfigError(`--tls-key: the key in ${keyPath} does not belong to the certificate in ${certPath}`);
  }
  if (new Date(certificate.validTo) <= now)
    throw new ConfigError(`--tls-cert: the certificate in ${certPath} expired on ${certificate.validTo}`);
  if (new Date(certificate.validFrom) > now)
    throw new ConfigError(`--tls-cert: the certificate in ${certPath} is not valid before ${certificate.validFrom}`);
  return describe(certificate, certPem, keyPem, certPath, false);
}

/** The names a generated certificate covers: `localhost`, this machine's host name (and `.local`), loopback and every LAN IPv4/IPv6 address. */
export function certificateNames(
  host: string = hostname(),
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
  bindHost?: string,
): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost']);
  const bare = host.trim().toLowerCase();
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(bare)) {
    dns.add(bare);
    if (!bare.includes('.')) dns.add(`${bare}.local`);
  }
  const ips = new Set(['127.0.0.1', '::1']);
  for (const items of Object.values(interfaces)) {
    for (const item of items ?? []) if (!item.internal && !item.address.startsWith('fe80:')) ips.add(item.address);
  }
  if (bindHost && /^[\d.]+$|:/.test(bindHost) && bindHost !== '0.0.0.0' && bindHost !== '::') ips.add(bindHost);
  return { dns: [...dns], ips: [...ips] };
}

/** Why a kept certificate cannot be reused, or undefined when it can. */
function unusableReason(dataDir: string, now: Date): { reason: string } | { material: TlsMaterial } {
  const certFile = join(dataDir, selfSignedFiles.cert);
  const keyFile = join(dataDir, selfSignedFiles.key);
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(certFile, 'utf8');
    keyPem = readFileSync(keyFile, 'utf8');
  } catch (error) {
    return { reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'none was kept yet' : 'the kept one cannot be read' };
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) return { reason: 'the kept key does not match the kept certificate' };
  } catch {
    return { reason: 'the kept one is not a valid certificate and key' };
  }
  if (new Date(certificate.validTo) <= now) return { reason: `the kept one expired on ${certificate.validTo}` };
  return { material: describe(certificate, certPem, keyPem, certFile, true) };
}

export interface SelfSignedOptions {
  dataDir: string;
  /** The gateway's bind address (added to the names when it is a specific IP). */
  bindHost?: string;
  /** Default: now. */
  now?: Date;
  /** Default: {@link certificateNames} of this machine. */
  names?: { dns: string[]; ips: string[] };
}

/** The kept self-signed certificate, and whether it was made now (and why). */
export interface SelfSignedResult {
  material: TlsMaterial;
  /** Set when a new certificate was generated: why (`none was kept yet`, `the kept one expired on …`). */
  generatedBecause?: string;
  /** Names this machine has now that the kept certificate does not cover (a changed LAN address). */
  missingNames: string[];
}

/**
 * The gateway's own certificate: the one kept in `dataDir` (`tls-cert.pem`, `tls-key.pem`), reused
 * so its fingerprint stays the same across restarts; generated (ECDSA P-256, SHA-256, valid
 * {@link selfSignedValidityDays} days) only when it is missing, unreadable, mismatched or expired.
 * The key file is written with mode 0600.
 */
export async function ensureSelfSignedCertificate(options: SelfSignedOptions): Promise<SelfSignedResult> {
  const now = options.now ?? new Date();
  const names = options.names ?? certificateNames(undefined, undefined, options.bindHost);
  const kept = unusableReason(options.dataDir, now);
  if ('material' in kept) {
    const covered = new Set(kept.material.names.map((name) => name.toLowerCase()));
    // Node prints IPv6 SANs expanded (0:0:0:0:0:0:0:1); compare IPv4 and names only.
    const missingNames = [...names.dns, ...names.ips.filter((ip) => !ip.includes(':'))].filter((name) => !covered.has(name.toLowerCase()));
    return { material: kept.material, missingNames };
  }
  // Loaded only to make a certificate: most starts reuse the kept one (start-up time, issue 18 §3).
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const notAfterDate = new Date(now.getTime() + selfSignedValidityDays * 24 * 60 * 60 * 1000);
  const generated = await generate([{ name: 'commonName', value: `Tallyfy MCP Gateway (${names.dns[1] ?? 'localhost'})` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const certFile = join(options.dataDir, selfSignedFiles.cert);
  const keyFile = join(options.dataDir, selfSignedFiles.key);
  writeFileSync(keyFile, generated.private, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, generated.cert, { mode: 0o644 });
  const certificate = new X509Certificate(generated.cert);
  return {
    material: describe(certificate, generated.cert, generated.private, certFile, true),
    generatedBecause: kept.reason,
    missingNames: [],
  };
}

/**
 * The fingerprint the gateway would present, without generating anything (for `--help`): the
 * user's own certificate's, else the kept self-signed one's; undefined when there is none yet or
 * it cannot be read.
 */
export function peekFingerprint(options: {
  dataDir: string;
  tlsCert?: string | undefined;
}): { fingerprint256: string; file: string } | undefined {
  const file = options.tlsCert ? resolve(options.tlsCert) : join(options.dataDir, selfSignedFiles.cert);
  try {
    return { fingerprint256: new X509Certificate(readFileSync(file, 'utf8')).fingerprint256, file };
  } catch {
    return undefined;
  }
}
