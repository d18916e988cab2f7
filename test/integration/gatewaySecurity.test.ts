import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { startTestGateway, type TestGateway } from './support/testGateway';
import { TestClient } from './support/wsClient';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Tries an upgrade and returns the HTTP status of the refusal, or 101 when accepted. */
function upgradeStatus(port: number, headers: Record<string, string>, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('frame handling', () => {
  it('answers fuzzed, binary and malformed frames with stable error codes, never crashes, and other sessions never notice', async () => {
    gateway = await startTestGateway({ gateway: { rateLimit: { capacity: 10_000, refillPerSecond: 10_000 } } });
    const bystander = await TestClient.open(gateway.url);
    await bystander.request({ type: 'auth', api_key: 'tok-bob', org_id: 'org-a' }, 'auth_success');
    const fuzzer = await TestClient.open(gateway.url);

    expect(await fuzzer.request('{not json', 'error')).toMatchObject({ code: 'BAD_JSON' });
    expect(await fuzzer.request('"just a string"', 'error')).toMatchObject({ code: 'BAD_MESSAGE' });
    expect(await fuzzer.request({ type: 'teleport' }, 'error')).toMatchObject({ code: 'UNKNOWN_TYPE' });
    expect(await fuzzer.request({ type: 'auth', api_key: 'x' }, 'error')).toMatchObject({ code: 'BAD_MESSAGE' });
    expect(await fuzzer.request({ type: 'query', content: 42 }, 'error')).toMatchObject({ code: 'BAD_MESSAGE' });
    const binary = fuzzer.next('error');
    fuzzer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await binary).toMatchObject({ code: 'BINARY_NOT_SUPPORTED' });

    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"type"',
      ':',
      '"query"',
      '"auth"',
      '"content"',
      ',',
      '"x"',
      '1e999',
      'null',
      '\u0000',
      '"\\ud800"',
      ' ',
    ];
    const count = 300;
    for (let i = 0; i < count; i += 1) {
      let text = '';
      for (let j = Math.floor(random() * 20); j > 0; j -= 1) text += alphabet[Math.floor(random() * alphabet.length)];
      fuzzer.send(text || '{}');
    }
    await expect
      .poll(() => fuzzer.frames.filter((frame) => frame.type === 'error').length, { timeout: 5000 })
      .toBeGreaterThanOrEqual(count + 6);
    for (const frame of fuzzer.frames.filter((item) => item.type === 'error'))
      expect(['BAD_JSON', 'BAD_MESSAGE', 'UNKNOWN_TYPE', 'BINARY_NOT_SUPPORTED', 'NOT_AUTHENTICATED']).toContain(frame.code);

    // The fuzzer can still sign in; the bystander never saw anything.
    await fuzzer.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    expect(bystander.types()).toEqual(['connection_established', 'auth_success']);
    expect((await bystander.request({ type: 'query', content: 'fine?' }, 'response')).content).toBe('You said: fine?');
    fuzzer.close();
    bystander.close();
  });

  it('closes with 1009 on a frame above the limit, and other sessions carry on', async () => {
    gateway = await startTestGateway({ gateway: { maxPayload: 64 * 1024 } });
    const bystander = await TestClient.open(gateway.url);
    const big = await TestClient.open(gateway.url);
    big.send({ type: 'query', content: 'x'.repeat(70 * 1024) });
    expect((await big.waitClose()).code).toBe(1009);
    expect(await bystander.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    await expect.poll(() => gateway!.registry.size).toBe(1);
    bystander.close();
  });

  it('rate-limits messages per session with RATE_LIMITED', async () => {
    gateway = await startTestGateway({ gateway: { rateLimit: { capacity: 5, refillPerSecond: 0.001 } } });
    const client = await TestClient.open(gateway.url);
    const other = await TestClient.open(gateway.url);
    for (let i = 0; i < 8; i += 1) client.send({ type: 'ping' });
    expect(await client.next('error')).toMatchObject({ code: 'RATE_LIMITED' });
    expect(client.types().filter((type) => type === 'pong')).toHaveLength(5);
    expect(await other.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    expect(gateway.registry.stats().errors.RATE_LIMITED).toBeGreaterThanOrEqual(3);
    client.close();
    other.close();
  });
});

describe('heartbeats', () => {
  it('drop a peer that stops answering pings, and keep one that answers', async () => {
    gateway = await startTestGateway({ gateway: { heartbeatMs: 60 } });
    const live = await TestClient.open(gateway.url);
    // A raw socket that completes the handshake and then never answers a ping.
    const dead = connect(gateway.port, '127.0.0.1');
    dead.on('error', () => undefined);
    dead.resume(); // read (and ignore) whatever arrives, pings included
    const closed = new Promise<void>((resolve) => dead.on('close', () => resolve()));
    dead.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${gateway.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await expect.poll(() => gateway!.registry.stats().sessionsTotal).toBe(2);
    await closed;
    await expect.poll(() => gateway!.registry.size).toBe(1);
    expect(await live.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    expect(live.closed).toBeUndefined();
    live.close();
  });
});

describe('upgrade checks (the HTTP upgrade event)', () => {
  it('accepts non-browser clients and same-origin pages, refuses other origins, other hosts on loopback and other paths', async () => {
    gateway = await startTestGateway({ gateway: { allowedOrigins: ['app://desktop'] } });
    const host = `127.0.0.1:${gateway.port}`;
    expect(await upgradeStatus(gateway.port, { host })).toBe(101);
    expect(await upgradeStatus(gateway.port, { host }, '/ws')).toBe(101);
    expect(await upgradeStatus(gateway.port, { host, origin: `http://${host}` })).toBe(101);
    expect(await upgradeStatus(gateway.port, { host: `localhost:${gateway.port}`, origin: `http://localhost:${gateway.port}` })).toBe(101);
    expect(await upgradeStatus(gateway.port, { host, origin: 'app://desktop' })).toBe(101);
    expect(await upgradeStatus(gateway.port, { host, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(gateway.port, { host, origin: `http://127.0.0.1:1` })).toBe(403);
    expect(await upgradeStatus(gateway.port, { host, origin: 'null' })).toBe(403);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example.
    expect(await upgradeStatus(gateway.port, { host: `evil.example:${gateway.port}`, origin: `http://evil.example:${gateway.port}` })).toBe(
      403,
    );
    // ...including a rebinding name that merely starts like a loopback address.
    const lookalike = `127.0.0.1.evil.example:${gateway.port}`;
    expect(await upgradeStatus(gateway.port, { host: lookalike, origin: `http://${lookalike}` })).toBe(403);
    expect(await upgradeStatus(gateway.port, { host }, '/elsewhere')).toBe(404);
    await expect.poll(() => gateway!.registry.size).toBe(0);
  });

  it('a browser session is listed as kind "web"', async () => {
    gateway = await startTestGateway();
    const client = await TestClient.open(gateway.url, { origin: `http://127.0.0.1:${gateway.port}` });
    expect(gateway.registry.list()[0]!.kind).toBe('web');
    client.close();
  });
});

describe('sign-in rules when shared on the network', () => {
  it('asks for the access code, limits orgs, and closes after too many failed attempts', async () => {
    // The listener stays on loopback; `host` tells the gateway it is shared beyond it.
    gateway = await startTestGateway({
      gateway: { host: '0.0.0.0', accessCode: 'open-sesame', allowedOrgIds: ['org-a'], attemptLimit: { maxFailures: 3, windowMs: 60_000 } },
    });
    const client = await TestClient.open(gateway.url);
    expect(client.frames[0]).toMatchObject({ access_code_required: true });
    expect(await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_error')).toMatchObject({
      code: 'ACCESS_CODE_REQUIRED',
    });
    // Typed as people type it: case, spaces and dashes do not matter.
    expect(
      await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a', access_code: ' Open Sesame ' }, 'auth_success'),
    ).toMatchObject({
      user: { email: 'alice@acme.test' },
    });

    const dave = await TestClient.open(gateway.url);
    expect(
      await dave.request({ type: 'auth', api_key: 'tok-dave', org_id: 'org-b', access_code: 'open-sesame' }, 'auth_error'),
    ).toMatchObject({ code: 'ORG_NOT_ALLOWED' });
    expect(await dave.request({ type: 'auth', api_key: 'tok-dave', org_id: 'org-a', access_code: 'wrong' }, 'auth_error')).toMatchObject({
      code: 'ACCESS_CODE_INVALID',
    });
    expect(
      await dave.request({ type: 'auth', api_key: 'tok-nobody', org_id: 'org-a', access_code: 'open-sesame' }, 'auth_error'),
    ).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(
      await dave.request({ type: 'auth', api_key: 'tok-bob', org_id: 'org-a', access_code: 'open-sesame' }, 'auth_error'),
    ).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect((await dave.waitClose()).code).toBe(1008);
    // The signed-in session is untouched, and the access code never reaches the logs.
    expect(await client.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    expect(gateway.logLines.join('')).not.toContain('open-sesame');
    expect(gateway.registry.stats().errors).toMatchObject({
      ACCESS_CODE_REQUIRED: 1,
      ORG_NOT_ALLOWED: 1,
      ACCESS_CODE_INVALID: 1,
      INVALID_CREDENTIALS: 1,
      TOO_MANY_ATTEMPTS: 1,
    });
    client.close();
  });

  it('never logs an API key', async () => {
    gateway = await startTestGateway();
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    await client.request({ type: 'query', content: 'my key is tok-alice' }, 'response');
    client.close();
    await expect.poll(() => gateway!.registry.size).toBe(0);
    expect(gateway.logLines.join('\n')).not.toContain('tok-alice');
  });
});

describe('ending sessions', () => {
  it('kick tells the teammate why and closes with 4000; shutdown tells everyone and closes with 1001', async () => {
    gateway = await startTestGateway();
    const events: string[] = [];
    gateway.registry.subscribe((event) => events.push(event.type));
    const alice = await TestClient.open(gateway.url);
    await alice.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    const bob = await TestClient.open(gateway.url);
    await bob.request({ type: 'auth', api_key: 'tok-bob', org_id: 'org-a', extensions: ['stream'] }, 'auth_success');
    const anonymous = await TestClient.open(gateway.url);

    const aliceId = String(alice.frames[0]!.session_id);
    expect(gateway.registry.kick(aliceId, 'too many questions')).toBe(true);
    expect(gateway.registry.kick(aliceId, 'again')).toBe(false);
    expect((await alice.next('info')).message).toContain('too many questions');
    expect((await alice.waitClose()).code).toBe(4000);

    await gateway.close('maintenance');
    for (const client of [bob, anonymous]) {
      expect(client.frames.at(-1)).toMatchObject({ type: 'info', code: 'shutdown' });
      expect((await client.waitClose()).code).toBe(1001);
    }
    expect(gateway.secrets.size).toBe(0);
    expect(events).toContain('added');
    expect(events.filter((type) => type === 'removed')).toHaveLength(3);
    gateway = undefined;
  });
});
