import { request as httpRequest } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';

import { startStack, type Stack } from './support/stack';
import { TestClient } from './support/wsClient';

let running: Stack | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A raw GET (fetch normalises `..` away, this does not). */
function rawGet(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the core wiring', () => {
  it('serves the web build: / is the chat page, /admin the admin app, hashed assets cached, no path traversal', async () => {
    running = await startStack();
    const port = Number(new URL(running.addresses.gatewayUrl).port);
    const chat = await rawGet(port, '/');
    expect(chat.status).toBe(200);
    expect(chat.body).toContain('<title>Tallyfy Assistant</title>');
    expect(chat.headers['content-security-policy']).toContain("default-src 'self'");
    expect(chat.headers['cache-control']).toBe('no-cache');
    const admin = await rawGet(port, '/admin');
    expect(admin.status).toBe(200);
    expect(admin.body).not.toContain('<title>Tallyfy Assistant</title>');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(chat.body)?.[1];
    expect(asset).toBeDefined();
    const script = await rawGet(port, asset!);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.headers['cache-control']).toContain('immutable');
    for (const path of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/nope.js', '/%E0%A4%A']) {
      expect((await rawGet(port, path)).status, path).toBe(404);
    }
    expect((await rawGet(port, '/healthz')).status).toBe(200);
  });

  it('gives the desk user a local session with a one-time token, and keeps it when the admin stops the gateway for teammates', async () => {
    running = await startStack({ env: { TALLYFY_API_KEY: sandboxTokens.bob, TALLYFY_ORG_ID: sandboxOrgs.acme } });
    const first = running.parts.gateway.localChat();
    expect(first).toMatchObject({ available: true });
    if (!first.available) return;
    const local = await TestClient.open(first.wsUrl);
    const success = await local.request({ type: 'auth_local', local_token: first.localToken, extensions: ['stream'] }, 'auth_success');
    expect(success.user).toMatchObject({ name: 'Bob Okafor' });
    expect(running.core.sessions.list()[0]).toMatchObject({ kind: 'local', authenticated: true });

    // The token works once.
    const replay = await TestClient.open(first.wsUrl);
    expect(await replay.request({ type: 'auth_local', local_token: first.localToken }, 'auth_error')).toMatchObject({
      code: 'LOCAL_NOT_AVAILABLE',
    });

    const teammate = await TestClient.open(running.addresses.wsUrl);
    await teammate.request({ type: 'auth', api_key: sandboxTokens.dave, org_id: sandboxOrgs.beta }, 'auth_success');
    running.parts.gateway.suspend('lunch break');
    expect((await teammate.waitClose()).code).toBe(1001);
    expect(teammate.frames.at(-1)).toMatchObject({ type: 'info', code: 'stopped' });
    expect((await replay.waitClose()).code).toBe(1001);
    expect(running.core.gatewayAccepting()).toBe(false);
    expect(running.core.health().services.gateway).toMatchObject({ running: false, detail: 'stopped by the admin' });
    // Loopback upgrades still connect (the desk pane), but a teammate's sign-in on them is refused.
    const sneaky = await TestClient.open(running.addresses.wsUrl);
    expect(await sneaky.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_error')).toMatchObject({
      code: 'GATEWAY_STOPPED',
    });
    sneaky.close();
    expect(await local.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    await expect.poll(() => running!.core.sessions.list().map((session) => session.kind)).toEqual(['local']);

    running.parts.gateway.resume();
    const again = await TestClient.open(running.addresses.wsUrl);
    expect(await again.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_success')).toBeDefined();
    local.close();
    again.close();
  });

  it('says the local chat is unavailable without desk credentials', async () => {
    running = await startStack();
    expect(running.parts.gateway.localChat()).toMatchObject({ available: false });
  });
});
