/**
 * Issue 12 §3: every HTTP door has a limit. Slow-loris and oversized headers on the MCP port and
 * the gateway; admin-token guesses limited per address (429 + Retry-After, logged with the
 * address); the admin API checks `Host`; a malformed percent-escape is a 400; the web pages may
 * connect only to their own origin; `/healthz` on the LAN says only that the server is up.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startStack, type Stack } from '../integration/support/stack';
import { startTestGateway } from '../integration/support/testGateway';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from a chosen loopback source address (each test its own, so limits do not mix). */
function send(options: {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  from?: string;
}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path,
        method: options.method ?? 'GET',
        headers: options.headers,
        ...(options.from ? { localAddress: options.from } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a raw socket that trickles one header line every second and never ends its headers; resolves with how long the server kept it open, ms. */
function slowLoris(port: number, giveUpMs: number): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      let n = 0;
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(`X-Trickle-${n++}: a\r\n`);
      }, 1000);
    });
    const done = (): void => {
      clearInterval(timer);
      resolve(Date.now() - started);
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), giveUpMs).unref();
  });
}

describe('security: HTTP doors (issue 12 §3)', () => {
  let stack: Stack;
  let gatewayPort: number;
  let mcpPort: number;
  let adminToken: string;

  beforeAll(async () => {
    stack = await startStack();
    gatewayPort = Number(new URL(stack.httpUrl).port);
    mcpPort = Number(new URL(stack.addresses.mcpUrl!).port);
    adminToken = stack.core.admin.token();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('closes a connection that has not sent its headers within 10 s, on the MCP port and the gateway', async () => {
    const [mcp, gateway] = await Promise.all([slowLoris(mcpPort, 25_000), slowLoris(gatewayPort, 25_000)]);
    expect(mcp).toBeLessThan(14_000);
    expect(gateway).toBeLessThan(14_000);
    expect(mcp).toBeGreaterThan(9_000);
  }, 30_000);

  it('refuses headers larger than 8 KiB on the MCP port and the gateway (431)', async () => {
    const big = { 'x-padding': 'a'.repeat(12 * 1024) };
    const answers = await Promise.all([
      send({ port: mcpPort, path: '/mcp', method: 'POST', headers: big }).catch(() => ({ status: 0 })),
      send({ port: gatewayPort, path: '/healthz', headers: big }).catch(() => ({ status: 0 })),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([431, 431]);
    // An ordinary request still passes.
    expect((await send({ port: gatewayPort, path: '/healthz' })).status).toBe(200);
  });

  it('limits admin-token guesses per address (429 with Retry-After), logs the refused burst with the address, and still serves other addresses', async () => {
    const guess = (from: string, token: string): Promise<Answer> =>
      send({ port: gatewayPort, path: '/admin/api/health.get', method: 'POST', from, headers: { authorization: `Bearer ${token}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await guess('127.0.0.21', `wrong-token-${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const refused = await guess('127.0.0.21', adminToken);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const logged = stack.logLines.filter((line) => line.includes('admin token guesses refused'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('127.0.0.21');
    expect(logged[0]).not.toContain(adminToken);
    expect((await guess('127.0.0.22', adminToken)).status).toBe(200);
  });

  it('the admin API checks Host like the MCP port (DNS rebinding), even with the right token', async () => {
    const answer = await send({
      port: gatewayPort,
      path: '/admin/api/health.get',
      method: 'POST',
      from: '127.0.0.23',
      headers: { authorization: `Bearer ${adminToken}`, host: `rebind.example:${gatewayPort}` },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('uptime');
  });

  it('answers a malformed percent-escape in an admin URL with 400, not 500', async () => {
    const answer = await send({
      port: gatewayPort,
      path: '/admin/api/%E0%A4%A',
      method: 'POST',
      from: '127.0.0.24',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'BAD_PATH' } });
  });

  it("lets the web pages connect only to their own origin (CSP connect-src 'self')", async () => {
    const page = await send({ port: gatewayPort, path: '/' });
    const csp = String(page.headers['content-security-policy']);
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1];
    expect(connect).toBe("'self'");
  });

  it('/healthz on the LAN says only that the server is up; on this machine it says more', async () => {
    const gateway = await startTestGateway({ gateway: { host: '0.0.0.0' }, http: { exposed: true } });
    try {
      const lan = await send({ port: gateway.port, path: '/healthz', headers: { host: `192.168.1.50:${gateway.port}` } });
      expect(JSON.parse(lan.body)).toEqual({ status: 'ok' });
      const local = await send({ port: gateway.port, path: '/healthz' });
      expect(JSON.parse(local.body)).toMatchObject({ status: 'ok', version: '0', sessions: { active: 0 } });
    } finally {
      await gateway.close();
    }
  });
});
