import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { acceptedEncoding, serveStatic } from './staticFiles';

let root: string;
let server: Server;
let base: string;
const script = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets/app.js'), script);
  writeFileSync(join(root, 'assets/app.js.br'), brotliCompressSync(script));
  writeFileSync(join(root, 'assets/app.js.gz'), gzipSync(script));
  writeFileSync(join(root, 'assets/plain.js'), script); // no precompressed copies
  writeFileSync(join(root, 'chat.html'), '<!doctype html><p>chat</p>');
  server = createServer((req, res) => {
    void serveStatic(req, res, root, (req.url ?? '/').split('?')[0]!).then((served) => {
      if (!served) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('serveStatic compression', () => {
  it('serves the brotli copy to a browser that accepts br, with the cache headers kept', async () => {
    const res = await get('/assets/app.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
  });

  it('serves gzip when br is not accepted, and the file as is when neither is', async () => {
    const gz = await get('/assets/app.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(script);
    const plain = await get('/assets/app.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    const refused = await get('/assets/app.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.toString()).toBe(script);
  });

  it('serves a file without precompressed copies as is, and never serves the copies by their own name as scripts', async () => {
    const res = await get('/assets/plain.js', { 'accept-encoding': 'br, gzip' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(script);
    const html = await get('/', { 'accept-encoding': 'br' });
    expect(html.headers['cache-control']).toBe('no-cache');
    expect(html.body.toString()).toContain('chat');
  });
});

describe('acceptedEncoding', () => {
  it.each([
    ['br, gzip', 'br'],
    ['gzip, br;q=0.5', 'gzip'],
    ['gzip;q=0.5, br;q=0.9', 'br'],
    ['*', 'br'],
    ['br;q=0, *;q=0.1', 'gzip'],
    ['identity', undefined],
    ['', undefined],
    [undefined, undefined],
    ['GZIP', 'gzip'],
  ])('%j → %s', (header, expected) => {
    expect(acceptedEncoding(header, ['br', 'gzip'])).toBe(expected);
  });
});
