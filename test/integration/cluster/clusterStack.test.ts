import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { haveRedisServer, startClusterStack, type ClusterStack } from './clusterStack';

describe.skipIf(!haveRedisServer && !process.env.CI)('clusterStack (the harness itself)', () => {
  let stack: ClusterStack | undefined;
  beforeAll(async () => {
    stack = await startClusterStack();
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it('starts two serve nodes on one Redis and sandbox: a teammate signs in on each, both answer admin routes with the shared token', async () => {
    const cluster = stack!;
    expect(cluster.nodes.map((node) => node.id)).toEqual(expect.arrayContaining(['node-a', 'node-b']));
    const onA = await cluster.signIn('node-a');
    const onB = await cluster.signIn('node-b');
    expect(onA.sessionId).not.toBe(onB.sessionId);
    const health = await cluster.health('node-b');
    expect(health).toMatchObject({ status: 'ok' });
    const list = await cluster.adminOk<{ sessions: Array<{ id: string }> }>('node-b', 'sessions.list');
    expect(list.sessions.map((session) => session.id)).toContain(onB.sessionId);
    expect((await cluster.admin('node-a', 'sessions.list', {}, 'wrong-token-wrong-token')).status).toBe(401);
    await cluster.kill('node-a');
    expect(cluster.node('node-a').process.child.signalCode).toBe('SIGKILL');
    onA.client.close();
    onB.client.close();
  }, 60_000);
});
