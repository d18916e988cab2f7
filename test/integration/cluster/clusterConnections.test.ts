import { afterEach, describe, expect, it } from 'vitest';

import { createClusterNode, type ClusterNode } from '../../../electron/core/cluster/clusterNode';
import { haveRedisServer, startRedisServer, type RedisServer } from '../../../electron/core/cluster/testing/redisServer';
import { createLogger } from '../../../electron/core/log/logger';
import { SecretRegistry } from '../../../electron/core/log/redact';
import { SessionRegistry } from '../../../electron/core/sessions/registry';
import { startLoopbackGateway, type LoopbackGateway } from '../support/loopbackGateway';
import { TestClient } from '../support/wsClient';

import { until } from './clusterStack';

/**
 * Two gateways acting as LAN nodes (the `0.0.0.0` policy, bound to 127.0.0.1) sharing one Redis:
 * the per-address socket cap counts the sockets the address holds on every node.
 */
describe.skipIf(!haveRedisServer && !process.env.CI)('cluster: per-address connection counts across nodes', () => {
  let redis: RedisServer | undefined;
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await redis?.stop();
    redis = undefined;
  });

  const node = async (id: string): Promise<{ cluster: ClusterNode; gateway: LoopbackGateway }> => {
    const secrets = new SecretRegistry();
    const logger = createLogger({ secrets, destination: null });
    const registry = new SessionRegistry({
      secrets,
      logger,
      engine: { open: () => ({ run: async () => ({ text: 'ok' }), clear: () => undefined }) },
      toolHostFactory: () => Promise.reject(new Error('no tools here')),
    });
    const cluster = createClusterNode({ url: redis!.url, nodeId: () => id, logger, sessions: registry, heartbeatMs: 500 });
    await cluster.start();
    const gateway = await startLoopbackGateway({
      registry,
      logger,
      name: id,
      authenticate: () => Promise.reject(new Error('no sign-in in this test')),
      gateway: { host: '0.0.0.0', maxConnectionsPerAddress: 3, addressConnections: cluster.connections },
    });
    cleanups.push(
      () => cluster.stop(),
      () => gateway.close('test done'),
      () => registry.close('test done'),
    );
    return { cluster, gateway };
  };

  it('two sockets on node A and one on node B use up a cap of 3: node B refuses the fourth (429), another address is fine', async () => {
    redis = await startRedisServer();
    const a = await node('node-a');
    const b = await node('node-b');
    const from = { localAddress: '127.0.0.5' };
    const open: TestClient[] = [];
    cleanups.push(() => open.forEach((client) => client.ws.terminate()));
    open.push(
      await TestClient.open(a.gateway.url, from),
      await TestClient.open(a.gateway.url, from),
      await TestClient.open(b.gateway.url, from),
    );
    await until('B to count the address’s sockets on both nodes', () => b.cluster.connections.held('127.0.0.5') === 3);
    await expect(TestClient.open(b.gateway.url, from)).rejects.toThrow(/HTTP 429/);
    open.push(await TestClient.open(b.gateway.url, { localAddress: '127.0.0.6' }));
    // One closed on A frees a place on B.
    open[0]!.close();
    await until('B to see it closed', () => b.cluster.connections.held('127.0.0.5') === 2);
    open.push(await TestClient.open(b.gateway.url, from));
    expect(open.at(-1)!.frames[0]?.type).toBe('connection_established');
  }, 30_000);
});
