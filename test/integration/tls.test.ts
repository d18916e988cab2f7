import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { selfSignedFiles } from '../../electron/core/tls/certificate';
import { startServe, type ServeProcess } from '../helpers/serveProcess';

import { startStack } from './support/stack';
import { TestClient } from './support/wsClient';

const running: ServeProcess[] = [];
const clients: TestClient[] = [];
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'gw-tls-it-'));
const env = (dataDir: string) => ({ GATEWAY_DATA_DIR: dataDir, ANTHROPIC_API_KEY: '', TALLYFY_API_KEY: '', TALLYFY_ORG_ID: '' });

afterEach(() => {
  for (const client of clients.splice(0)) client.ws.terminate();
  for (const serve of running.splice(0)) serve.child.kill('SIGKILL');
});

async function serveTls(dataDir: string, extra: string[] = []): Promise<ServeProcess> {
  // A loaded CI machine can take well over the helper's default 20 s to start a serve process.
  const serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0', ...extra], { env: env(dataDir), timeoutMs: 60_000 });
  running.push(serve);
  await serve.ready;
  return serve;
}

function bannerFingerprint(serve: ServeProcess): string {
  const match = /SHA-256\s+((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(serve.stdout());
  if (!match) throw new Error(`no fingerprint in the banner:\n${serve.stdout()}`);
  return match[1]!;
}

/** Signs in over WSS trusting only `ca`; resolves with the certificate the server presented. */
async function signInOverWss(wsUrl: string, ca: string): Promise<{ client: TestClient; fingerprint: string }> {
  const client = await TestClient.open(wsUrl, { ca });
  clients.push(client);
  client.send({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme });
  await client.next('auth_success');
  const socket = (client.ws as unknown as { _socket: TLSSocket })._socket;
  return { client, fingerprint: socket.getPeerCertificate().fingerprint256 };
}

function plainRequest(url: string, method: string): Promise<{ status: number | undefined; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS on the gateway port (serve --tls)', { timeout: 150_000 }, () => {
  it('signs in over WSS with the generated certificate, trusting only that certificate', async () => {
    const dataDir = tempDir();
    const serve = await serveTls(dataDir, ['--tls']);
    expect(serve.url('Web chat')).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const wsUrl = serve.url('WebSocket');
    expect(wsUrl).toMatch(/^wss:\/\//);
    const ca = readFileSync(join(dataDir, selfSignedFiles.cert), 'utf8');
    const { fingerprint } = await signInOverWss(wsUrl, ca);
    expect(fingerprint).toBe(bannerFingerprint(serve));
    expect(fingerprint).toBe(new X509Certificate(ca).fingerprint256);
    // Without that trust the certificate is refused: the check above is a real one.
    await expect(TestClient.open(wsUrl)).rejects.toThrow(/self-signed certificate/);
    // Health and the admin page come over https too.
    const health = await new Promise<number | undefined>((resolve, reject) =>
      httpsRequest(serve.url('Health'), { ca }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end(),
    );
    expect(health).toBe(200);
  });

  it('keeps the same certificate (fingerprint) across restarts with the same data dir', async () => {
    const dataDir = tempDir();
    const first = await serveTls(dataDir, ['--tls']);
    const before = bannerFingerprint(first);
    expect(first.stderr()).toContain('generated a self-signed TLS certificate (none was kept yet)');
    expect((await signInOverWss(first.url('WebSocket'), readFileSync(join(dataDir, selfSignedFiles.cert), 'utf8'))).fingerprint).toBe(
      before,
    );
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = await serveTls(dataDir, ['--tls']);
    expect(bannerFingerprint(second)).toBe(before);
    expect(second.stderr()).toContain('TLS with the kept self-signed certificate');
    const { fingerprint } = await signInOverWss(second.url('WebSocket'), readFileSync(join(dataDir, selfSignedFiles.cert), 'utf8'));
    expect(fingerprint).toBe(before);
  });

  it('uses the certificate of the user’s own when given', async () => {
    const dir = tempDir();
    const own = await generate([{ name: 'commonName', value: 'gateway.example.test' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(join(dir, 'own.crt'), own.cert);
    writeFileSync(join(dir, 'own.key'), own.private, { mode: 0o600 });
    const serve = await serveTls(dir, ['--tls-cert', join(dir, 'own.crt'), '--tls-key', join(dir, 'own.key')]);
    const expected = new X509Certificate(own.cert).fingerprint256;
    expect(bannerFingerprint(serve)).toBe(expected);
    expect(serve.stdout()).toContain(`your certificate ${join(dir, 'own.crt')}`);
    const { fingerprint } = await signInOverWss(serve.url('WebSocket'), own.cert);
    expect(fingerprint).toBe(expected);
  });

  it('gives plain HTTP on the TLS port no page and no API: a redirect to https or a refusal', async () => {
    const serve = await serveTls(tempDir(), ['--tls']);
    const port = new URL(serve.url('Web chat')).port;
    const page = await plainRequest(`http://127.0.0.1:${port}/admin`, 'GET');
    expect(page.status).toBe(308);
    expect(page.location).toBe(`https://127.0.0.1:${port}/admin`);
    expect(page.body).not.toMatch(/<html|<!doctype/i);
    const api = await plainRequest(`http://127.0.0.1:${port}/admin/api/sessions.list`, 'POST');
    expect(api.status).toBe(400);
    expect(api.body).not.toContain('sessions');
    const health = await plainRequest(`http://127.0.0.1:${port}/healthz`, 'GET');
    expect(health.status).toBe(308);
    expect(health.body).not.toContain('"status"');
    await expect(TestClient.open(`ws://127.0.0.1:${port}/`)).rejects.toThrow(/HTTP 400/);
  });

  it.each([
    [
      'a missing certificate file',
      (dir: string) => ['--tls-cert', join(dir, 'nope.crt'), '--tls-key', join(dir, 'own.key')],
      /^serve: --tls-cert: no file at .*nope\.crt$/,
    ],
    [
      'a key of another certificate',
      (dir: string) => ['--tls-cert', join(dir, 'own.crt'), '--tls-key', join(dir, 'other.key')],
      /^serve: --tls-key: the key in .* does not belong to the certificate in /,
    ],
    [
      'a file that is not a certificate',
      (dir: string) => ['--tls-cert', join(dir, 'other.key'), '--tls-key', join(dir, 'own.key')],
      /^serve: --tls-cert: .* is not a PEM certificate/,
    ],
    ['a certificate without its key', (dir: string) => ['--tls-cert', join(dir, 'own.crt')], /^serve: --tls-cert needs --tls-key/],
  ])('refuses %s: exit 2 with one clear line', async (_name, flags, message) => {
    const dir = tempDir();
    const own = await generate([{ name: 'commonName', value: 'own' }], { keyType: 'ec', algorithm: 'sha256' });
    const other = await generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec', algorithm: 'sha256' });
    writeFileSync(join(dir, 'own.crt'), own.cert);
    writeFileSync(join(dir, 'own.key'), own.private);
    writeFileSync(join(dir, 'other.key'), other.private);
    const serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0', ...flags(dir)], { env: env(dir), timeoutMs: 60_000 });
    running.push(serve);
    expect(await serve.exited).toBe(2);
    const lines = serve.stderr().trim().split('\n');
    expect(lines.filter((line) => line.startsWith('serve:'))).toHaveLength(1);
    expect(lines.find((line) => line.startsWith('serve:'))).toMatch(message);
    expect(serve.stdout()).not.toContain('Press Ctrl+C');
  });
});

describe('TLS in the composed core (the desktop app’s path)', () => {
  it('hands the local chat pane a wss:// URL, the admin the certificate and https links', { timeout: 60_000 }, async () => {
    const stack = await startStack({ flags: ['--tls'], env: { TALLYFY_API_KEY: sandboxTokens.alice, TALLYFY_ORG_ID: sandboxOrgs.acme } });
    try {
      const local = stack.parts.gateway.localChat();
      expect(local.available && local.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
      const status = stack.core.admin.handlers['gateway.status']({}) as { url?: string; tls?: { fingerprint256: string } };
      expect(status.url).toMatch(/^https:\/\//);
      expect(status.tls?.fingerprint256).toBe(stack.addresses.tls?.fingerprint256);
      expect(stack.addresses.adminUrl).toMatch(/^https:\/\//);
      expect(stack.addresses.cleartextOnLan).toBeUndefined();
    } finally {
      await stack.close();
    }
  });
});
