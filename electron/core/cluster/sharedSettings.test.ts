import { Writable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { emptyGatewayStats } from '../../../shared/types/gatewayStats';
import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';

import { createClusterNode, type ClusterNode, type LocalSessions } from './clusterNode';
import { shareSignInSettings, type SignInSettings, type SignInSettingsPort } from './sharedSettings';
import { haveRedisServer, startRedisServer, type RedisServer } from './testing/redisServer';
import { until } from './testing/until';


/** A node's settings service, as far as sign-in goes. */
class FakeSettings implements SignInSettingsPort {
  readonly listeners = new Set<(changed: readonly string[]) => void>();
  constructor(public values: SignInSettings) {}
  read(): SignInSettings {
    return structuredClone(this.values);
  }
  apply(values: SignInSettings): void {
    this.set(values);
  }
  /** What the admin does on this node (`settings.update`). */
  set(values: Partial<SignInSettings>): void {
    const changed = Object.keys(values).filter(
      (key) => JSON.stringify(values[key as keyof SignInSettings]) !== JSON.stringify(this.values[key as keyof SignInSettings]),
    );
    this.values = { ...this.values, ...values };
    if (changed.length > 0) for (const listener of this.listeners) listener(changed);
  }
  subscribe(listener: (changed: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const noSessions: LocalSessions = {
  list: () => [],
  subscribe: () => () => undefined,
  kick: () => false,
  stats: () => emptyGatewayStats(),
};

describe.skipIf(!haveRedisServer && !process.env.CI)('shareSignInSettings (two nodes, Debian redis-server)', () => {
  let server: RedisServer | undefined;
  const stops: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await server?.stop();
    server = undefined;
  });

  const join = async (
    id: string,
    settings: FakeSettings,
    adminToken = 'the-shared-admin-token-0123456789',
  ): Promise<{ node: ClusterNode; logs: string[] }> => {
    const logs: string[] = [];
    const logger = createLogger({
      secrets: new SecretRegistry(),
      destination: new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) }),
    });
    const node = createClusterNode({
      url: server!.url,
      nodeId: () => id,
      logger,
      sessions: noSessions,
      heartbeatMs: 200,
      maxReconnectDelayMs: 200,
    });
    const stop = shareSignInSettings(node, settings, { secret: () => adminToken, logger });
    stops.push(() => node.stop(), stop);
    await node.start();
    return { node, logs };
  };

  it('the first node’s values become the cluster’s; a change on A is in force on B within a second; Redis never holds the code in clear', async () => {
    server = await startRedisServer();
    const onA = new FakeSettings({ accessCode: 'AAAA-BBBB-CCCC', allowedOrgs: [], idleTimeoutMinutes: 60 });
    const onB = new FakeSettings({ accessCode: 'ZZZZ-YYYY-XXXX', allowedOrgs: [], idleTimeoutMinutes: 30 });
    const { node: a } = await join('node-a', onA);
    await join('node-b', onB);
    await until(
      'B to adopt the cluster’s values',
      () => onB.values.accessCode === 'AAAA-BBBB-CCCC' && onB.values.idleTimeoutMinutes === 60,
    );

    const changedAt = Date.now();
    onA.set({ accessCode: 'NEW1-NEW2-NEW3', allowedOrgs: ['b0000000000000000000000000000002'], idleTimeoutMinutes: 5 });
    await until('B to apply the change', () => onB.values.accessCode === 'NEW1-NEW2-NEW3', 1000);
    expect(Date.now() - changedAt).toBeLessThan(1000);
    expect(onB.values).toEqual({ accessCode: 'NEW1-NEW2-NEW3', allowedOrgs: ['b0000000000000000000000000000002'], idleTimeoutMinutes: 5 });

    const stored = (await a.connection()!.client.get('tallyfy-gw:settings:signin'))!;
    expect(stored).toContain('b0000000000000000000000000000002');
    expect(stored).not.toContain('NEW1');
    expect(stored.replace(/[^A-Za-z0-9]/g, '')).not.toContain('NEW1NEW2NEW3');
  }, 30_000);

  it('a node with another admin token cannot read the code: it keeps its own and says why', async () => {
    server = await startRedisServer();
    const onA = new FakeSettings({ accessCode: 'AAAA-BBBB-CCCC', allowedOrgs: [], idleTimeoutMinutes: 60 });
    const onB = new FakeSettings({ accessCode: 'ZZZZ-YYYY-XXXX', allowedOrgs: [], idleTimeoutMinutes: 30 });
    await join('node-a', onA);
    const { logs } = await join('node-b', onB, 'a-different-admin-token-9876543210');
    await until('B to apply the rest', () => onB.values.idleTimeoutMinutes === 60);
    expect(onB.values.accessCode).toBe('ZZZZ-YYYY-XXXX');
    expect(logs.join('')).toMatch(/different admin token/);
  }, 30_000);

  it('a change made while Redis was away wins when it is back (and reaches the other node)', async () => {
    server = await startRedisServer();
    const onA = new FakeSettings({ allowedOrgs: [], idleTimeoutMinutes: 60 });
    const onB = new FakeSettings({ allowedOrgs: [], idleTimeoutMinutes: 60 });
    const { node: a } = await join('node-a', onA);
    const { node: b } = await join('node-b', onB);
    await server.kill();
    await until('A degraded', () => a.status() === 'degraded');
    onA.set({ idleTimeoutMinutes: 15 });
    await server.restart();
    await until('both ready', () => a.status() === 'ready' && b.status() === 'ready');
    await until('B to get A’s change made during the outage', () => onB.values.idleTimeoutMinutes === 15);
    expect(onA.values.idleTimeoutMinutes).toBe(15);
  }, 30_000);
});
