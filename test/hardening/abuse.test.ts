import { connect, type Socket } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { startTestGateway, type TestGateway } from '../integration/support/testGateway';

import { nextOf, TestClient } from './support/client';

const open: TestGateway[] = [];
const sockets: Array<Socket | WebSocket | TestClient> = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    if (socket instanceof TestClient) socket.close();
    else if (socket instanceof WebSocket) socket.terminate();
    else socket.destroy();
  }
  for (const gateway of open.splice(0)) await gateway.close();
});

async function gateway(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const started = await startTestGateway(options);
  open.push(started);
  return started;
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when it was accepted. */
function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    sockets.push(ws);
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

const alice = { type: 'auth', api_key: 'tok-alice', org_id: 'org-a' };

describe('abuse limits', () => {
  it('slow upgrades: a client that never finishes its upgrade headers is cut off after the headers timeout', async () => {
    const started = await gateway({ http: { headersTimeoutMs: 1000 } });
    const socket = connect(started.port, '127.0.0.1');
    sockets.push(socket);
    // The server may cut the socket between two trickled bytes: that write then fails with EPIPE, which is the point.
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const began = Date.now();
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    // Trickle one header byte at a time, as a slowloris client does.
    const trickle = setInterval(() => socket.writable && socket.write('X'), 200);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(trickle);
    const elapsed = Date.now() - began;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(4000);
    // A prompt client still gets in.
    expect(await upgradeStatus(started.url)).toBe(101);
  });

  it('connection flood from one address: beyond the per-address cap (LAN-exposed), upgrades get 429; others still connect after some close', async () => {
    const started = await gateway({ gateway: { host: '0.0.0.0', maxConnectionsPerAddress: 5 } });
    const statuses = await Promise.all(Array.from({ length: 12 }, () => upgradeStatus(started.url)));
    expect(statuses.filter((status) => status === 101)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    // Closing one frees a slot.
    const first = sockets.find((socket): socket is WebSocket => socket instanceof WebSocket && socket.readyState === WebSocket.OPEN);
    first?.close();
    await expect.poll(() => upgradeStatus(started.url), { timeout: 3000 }).toBe(101);
  });

  it('on a loopback-only gateway the per-address cap does not apply (every peer is this machine)', async () => {
    const started = await gateway({ gateway: { maxConnectionsPerAddress: 2 } });
    const statuses = await Promise.all(Array.from({ length: 6 }, () => upgradeStatus(started.url)));
    expect(statuses).toEqual([101, 101, 101, 101, 101, 101]);
  });

  it('sign-in brute force: after the failure limit the address is blocked, even with the right key', async () => {
    const started = await gateway({ gateway: { attemptLimit: { maxFailures: 5, windowMs: 60_000 } } });
    const client = await TestClient.open(started.url);
    sockets.push(client);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      client.send({ type: 'auth', api_key: `guess-${i}`, org_id: 'org-a' });
      codes.push(String((await nextOf(client, ['auth_error'])).code));
    }
    expect(codes.every((code) => code === 'INVALID_CREDENTIALS')).toBe(true);
    client.send(alice);
    const blocked = await nextOf(client, ['auth_error', 'auth_success']);
    expect(blocked).toMatchObject({ type: 'auth_error', code: 'TOO_MANY_ATTEMPTS' });
    expect((await client.waitClose()).code).toBe(1008);
    // A new connection from the same address is refused too.
    const again = await TestClient.open(started.url);
    sockets.push(again);
    again.send(alice);
    expect(await nextOf(again, ['auth_error', 'auth_success'])).toMatchObject({ type: 'auth_error', code: 'TOO_MANY_ATTEMPTS' });
  });

  it('oversized frames close with 1009, and another session is unaffected', async () => {
    const started = await gateway();
    const bystander = await TestClient.open(started.url);
    sockets.push(bystander);
    await bystander.request(alice, 'auth_success');
    const big = await TestClient.open(started.url);
    sockets.push(big);
    big.send({ type: 'query', content: 'x'.repeat(65 * 1024) });
    expect((await big.waitClose()).code).toBe(1009);
    // Just under the frame limit: answered with an error (the query is too long / not signed in), not closed.
    const near = await TestClient.open(started.url);
    sockets.push(near);
    near.send({ type: 'query', content: 'x'.repeat(60 * 1024) });
    expect(await nextOf(near, ['error'])).toMatchObject({ type: 'error' });
    expect(near.closed).toBeUndefined();
    expect(await bystander.request({ type: 'query', content: 'still here?' }, 'response')).toMatchObject({ content: 'You said: still here?' });
  });

  it('a cross-origin browser upgrade is refused with 403; the page’s own origin and non-browser clients are accepted', async () => {
    const started = await gateway();
    const port = new URL(started.url).port;
    expect(await upgradeStatus(started.url, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(started.url, { origin: `http://localhost:${port}` })).toBe(403);
    expect(await upgradeStatus(started.url, { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(started.url, { origin: `http://127.0.0.1:${port}` })).toBe(101);
    expect(await upgradeStatus(started.url)).toBe(101);
    expect(started.logLines.some((line) => line.includes('WebSocket upgrade refused'))).toBe(true);
  });
});
