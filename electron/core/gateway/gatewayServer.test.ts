import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import type { Credentials } from '../sessions/engine';
import { AuthFailure } from '../sessions/engine';
import { SessionRegistry } from '../sessions/registry';

import { createGatewayServer, gatewayOnlyHealth, type GatewayServer } from './gatewayServer';

let server: GatewayServer | undefined;
afterEach(async () => {
  await server?.stop('test done');
  server = undefined;
});

function build(deskCredentials?: () => Credentials | undefined): GatewayServer {
  const secrets = new SecretRegistry();
  const logger = createLogger({ secrets, destination: null });
  const registry = new SessionRegistry({
    secrets,
    logger,
    engine: { open: () => ({ run: async () => ({ text: '' }), clear: () => undefined }) },
    toolHostFactory: async () => ({
      listTools: async () => [],
      callTool: async () => ({ text: '', isError: false }),
      close: async () => undefined,
    }),
  });
  server = createGatewayServer({
    registry,
    logger,
    host: '127.0.0.1',
    port: 0,
    health: gatewayOnlyHealth(registry, { name: 'unit' }),
    authenticate: async () => {
      throw new AuthFailure('INVALID_CREDENTIALS', 'no');
    },
    ...(deskCredentials ? { deskCredentials } : {}),
  });
  return server;
}

describe('createGatewayServer', () => {
  it('listens only once started, answers /healthz, and frees the port on stop (twice is fine)', async () => {
    const gateway = build();
    expect(gateway.port).toBeUndefined();
    expect(gateway.accepting).toBe(false);
    await gateway.start();
    const port = gateway.port!;
    expect(port).toBeGreaterThan(0);
    expect(gateway.accepting).toBe(true);
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { name: string };
    expect(health.name).toBe('unit');
    await gateway.stop('bye');
    await gateway.stop('again');
    expect(gateway.port).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('suspend stops accepting teammates until resume', async () => {
    const gateway = build();
    await gateway.start();
    gateway.suspend('lunch');
    expect(gateway.accepting).toBe(false);
    expect(gateway.suspended).toBe(true);
    gateway.resume();
    expect(gateway.accepting).toBe(true);
    expect(gateway.suspended).toBe(false);
  });

  it('offers the local chat only while running and with desk credentials', async () => {
    const desk: { credentials?: Credentials } = {};
    const gateway = build(() => desk.credentials);
    expect(gateway.localChat()).toEqual({ available: false, reason: 'The gateway is not running.' });
    await gateway.start();
    expect(gateway.localChat()).toMatchObject({ available: false, reason: expect.stringContaining('Settings') });
    desk.credentials = { apiKey: 'key', orgId: 'org' };
    const local = gateway.localChat();
    expect(local).toMatchObject({ available: true, wsUrl: `ws://127.0.0.1:${gateway.port}/` });
    expect(local.available && local.localToken.length).toBeGreaterThan(20);
  });

  it('has no local chat without a desk-credentials source', async () => {
    const gateway = build();
    await gateway.start();
    expect(gateway.localChat()).toMatchObject({ available: false });
  });
});
