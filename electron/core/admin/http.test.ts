import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { tokensMatch } from '../net/tokensMatch';

import { createAdminHttp, type AdminHttp } from './http';
import { adminFixture } from './testing/adminFixture';

const token = 'admin-token-for-tests-0123456789';
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(): Promise<{ base: string; fixture: ReturnType<typeof adminFixture>; http: AdminHttp }> {
  const fixture = adminFixture();
  const http = createAdminHttp({ handlers: fixture.admin.handlers, events: fixture.admin.events, token: () => token, logger: fixture.logger });
  const server: Server = createServer((req, res) => {
    void http.handleRequest(req, res, (req.url ?? '/').split('?')[0]!).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!http.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () => fixture.admin.close(),
    () => new Promise<void>((resolve) => {
      http.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  );
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, fixture, http };
}

const post = (base: string, route: string, body: unknown, auth: string | undefined = token, headers: Record<string, string> = {}) =>
  fetch(`${base}/admin/api/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('the admin HTTP transport', () => {
  it('answers a route with the admin token, with the same result shape as IPC', async () => {
    const { base, fixture } = await serve();
    fixture.signIn('alice');
    const response = await post(base, 'sessions.list', {});
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ ok: true, data: { sessions: [{ user: { name: 'alice' } }] } });
  });

  it('refuses a missing or wrong token, other methods, bad JSON, unknown routes and foreign origins', async () => {
    const { base } = await serve();
    const missing = await post(base, 'sessions.list', {}, '');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await (await post(base, 'sessions.list', {}, 'wrong-token')).json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const get = await fetch(`${base}/admin/api/sessions.list`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(await (await post(base, 'sessions.list', '{not json')).json()).toMatchObject({ error: { code: 'INVALID_JSON' } });
    expect((await post(base, 'nope.never', {})).status).toBe(404);
    expect((await post(base, 'sessions.kick', { id: 'x' })).status).toBe(400);
    expect((await post(base, 'sessions.list', {}, token, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(base, 'sessions.list', 'x'.repeat(70 * 1024))).status).toBe(413);
  });

  it('streams events to a socket that offers the token subprotocol, and refuses one without', async () => {
    const { base, fixture, http } = await serve();
    const url = `${base.replace('http', 'ws')}/admin/events`;
    const refused = new WebSocket(url, ['gateway-admin', 'token.wrong']);
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);

    const ws = new WebSocket(url, ['gateway-admin', `token.${token}`]);
    const events: { event: string; payload: unknown }[] = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('gateway-admin');
    expect(http.connections).toBe(1);
    fixture.signIn('carol');
    await expect.poll(() => JSON.stringify(events.filter((item) => item.event === 'sessions.changed').at(-1) ?? ''), { timeout: 2000 }).toContain('carol');
    await expect.poll(() => events.some((item) => item.event === 'stats.changed'), { timeout: 2000 }).toBe(true);
    ws.close();
    await expect.poll(() => fixture.admin.events.listenerCount, { timeout: 2000 }).toBe(0);
  });

  it('compares tokens in constant time over digests', () => {
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch('short', token)).toBe(false);
    expect(tokensMatch('', '')).toBe(false);
  });
});
