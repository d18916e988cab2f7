import { request as httpRequest } from 'node:http';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';

import { refusePlaintext } from './plaintextGuard';

let server: Server;
let cert: string;
let port: number;
const plaintext: Array<{ method: string; path: string; redirected: boolean }> = [];

beforeAll(async () => {
  const made = await generate([{ name: 'commonName', value: 'guard test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  cert = made.cert;
  server = createServer({ cert: made.cert, key: made.private }, (req, res) => res.end(`secret page ${req.url}`));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.send('welcome over wss')));
  refusePlaintext(server, { timeoutMs: 2000, onPlaintext: (item) => plaintext.push(item) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

type Answer = { status: number | undefined; location: string | undefined; body: string };
function ask(secure: boolean, method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const req = send({ host: '127.0.0.1', port, method, path, agent: false, ...(secure ? { ca: cert } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{"token":"x"}' : undefined);
  });
}

describe('refusePlaintext', () => {
  it('serves HTTPS as usual, trusting only the certificate it was given', async () => {
    expect(await ask(true, 'GET', '/admin')).toMatchObject({ status: 200, body: 'secret page /admin' });
  });

  it('redirects a plain-HTTP GET to the same address over https, without the page', async () => {
    const answer = await ask(false, 'GET', '/admin?x=1');
    expect(answer.status).toBe(308);
    expect(answer.location).toBe(`https://127.0.0.1:${port}/admin?x=1`);
    expect(answer.body).not.toContain('secret page');
    expect(plaintext).toContainEqual({ method: 'GET', path: '/admin', redirected: true });
  });

  it('refuses a plain-HTTP API call with 400 and no answer from the server behind', async () => {
    const answer = await ask(false, 'POST', '/admin/api/sessions.list');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/HTTPS only/);
  });

  it('refuses a ws:// upgrade and accepts wss:// with the certificate as the trusted CA', async () => {
    const refused = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve('opened'));
      ws.on('error', (error) => resolve(error.message));
    });
    expect(refused).toBe(400);
    const ws = new WebSocket(`wss://127.0.0.1:${port}/`, { ca: cert });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
    });
    ws.close();
    expect(first).toBe('welcome over wss');
  });

  it('does not redirect to a Host it cannot vouch for', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: evil.example/x@y\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).not.toMatch(/location:/i);
  });

  it('does not let a silent connection hold closing the server open', async () => {
    const made = await generate([{ name: 'commonName', value: 'closing' }], { keyType: 'ec', algorithm: 'sha256' });
    const other = createServer({ cert: made.cert, key: made.private }, (_req, res) => res.end('x'));
    refusePlaintext(other, { timeoutMs: 60_000 });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const silent = connect((other.address() as AddressInfo).port, '127.0.0.1');
    silent.on('error', () => undefined);
    await new Promise<void>((resolve) => silent.once('connect', () => resolve()));
    const started = Date.now();
    await new Promise<void>((resolve) => {
      other.close(() => resolve());
      other.closeIdleConnections();
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('closes a connection that sends nothing within the deadline', async () => {
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });
});
