import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import { AuthFailure } from '../sessions/engine';
import { SessionRegistry } from '../sessions/registry';

import { createWsGateway, type WsGateway } from './wsGateway';

let gateway: WsGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function setup(host: string): WsGateway {
  const secrets = new SecretRegistry();
  const logger = createLogger({ secrets, destination: null });
  const registry = new SessionRegistry({
    secrets,
    logger,
    engine: { open: () => ({ run: async () => ({ text: '' }), clear: () => undefined }) },
    toolHostFactory: async () => ({ listTools: async () => [], callTool: async () => ({ text: '', isError: false }), close: async () => undefined }),
  });
  gateway = createWsGateway({
    registry,
    logger,
    host,
    authenticate: async () => {
      throw new AuthFailure('INVALID_CREDENTIALS', 'no');
    },
  });
  return gateway;
}

/** Hands `gateway` an upgrade from `address` and returns what it wrote back on the socket. */
async function upgradeFrom(target: WsGateway, address: string): Promise<string> {
  const socket = new PassThrough();
  const written: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => written.push(chunk));
  const request = {
    url: '/',
    method: 'GET',
    headers: { host: '192.168.1.5:9001', upgrade: 'websocket', connection: 'Upgrade' },
    socket: { remoteAddress: address },
  } as unknown as IncomingMessage;
  target.handleUpgrade(request, socket, Buffer.alloc(0));
  await new Promise((resolve) => setTimeout(resolve, 20));
  return Buffer.concat(written).toString('utf8');
}

describe('createWsGateway while suspended', () => {
  it('refuses upgrades from other machines with 503, and not before the admin stops it', async () => {
    const target = setup('0.0.0.0');
    // Accepted for the handshake (a bad key would be refused later, in the protocol): not a 503.
    expect(await upgradeFrom(target, '192.168.1.20')).not.toContain('503');
    target.suspend('maintenance');
    expect(target.accepting).toBe(false);
    const refused = await upgradeFrom(target, '192.168.1.20');
    expect(refused).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect(refused).toContain('stopped the gateway');
    // A loopback peer (the desk user's pane) is not refused for being stopped.
    expect(await upgradeFrom(target, '::ffff:127.0.0.1')).not.toContain('503');
    target.resume();
    expect(await upgradeFrom(target, '192.168.1.20')).not.toContain('503');
  });
});
