import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxTokens } from '../../../electron/core/tallyfy/sandbox';
import type { SessionSnapshot } from '../../../shared/types/session';

import { haveRedisServer, startClusterStack, until, type ClusterStack } from './clusterStack';

type List = { sessions: SessionSnapshot[] };

describe.skipIf(!haveRedisServer && !process.env.CI)('cluster: Redis trouble is not an outage (2 serve nodes)', () => {
  let stack: ClusterStack;
  beforeAll(async () => {
    stack = await startClusterStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it('Redis SIGKILLed mid-run: both nodes keep serving (and signing in) degraded, then report ok and resync the list when it is back', async () => {
    const alice = await stack.signIn('node-a');
    const bob = await stack.signIn('node-b', { apiKey: sandboxTokens.bob });
    await until(
      'A to list both',
      async () => (await stack.adminOk<List>('node-a', 'sessions.list')).sessions.filter((s) => s.authenticated).length === 2,
    );
    expect((await stack.health('node-a')).status).toBe('ok');

    await stack.redis.kill();
    for (const id of ['node-a', 'node-b']) {
      const health = await until(`${id} to say degraded`, async () => {
        const body = await stack.health(id);
        return body.status === 'degraded' ? body : undefined;
      });
      expect(health).toMatchObject({ services: { cluster: { running: false, detail: expect.stringMatching(/unreachable/) } } });
    }
    // The admin view says so too.
    expect((await stack.adminOk<{ status: string }>('node-b', 'health.get')).status).toBe('degraded');

    // Both nodes keep serving the teammates they hold …
    await alice.client.request({ type: 'query', content: 'What tasks do I have?' }, 'processing');
    expect((await alice.client.next('response', 30_000)).content).toMatch(/Here is what I found/);
    // … and accept new sign-ins (node-local limits).
    const carol = await stack.signIn('node-b', { apiKey: sandboxTokens.carol });

    await stack.redis.restart(); // empty: no persistence
    for (const id of ['node-a', 'node-b']) await until(`${id} to be ok again`, async () => (await stack.health(id)).status === 'ok');
    // Resynced: A lists B's sessions again, the one signed in during the outage included.
    const rows = await until('A to list every session again', async () => {
      const { sessions } = await stack.adminOk<List>('node-a', 'sessions.list');
      return [alice.sessionId, bob.sessionId, carol.sessionId].every((id) => sessions.some((s) => s.id === id)) ? sessions : undefined;
    });
    expect(rows.find((s) => s.id === carol.sessionId)?.node).toBe('node-b');
    expect(rows.find((s) => s.id === alice.sessionId)?.node).toBe('node-a');
    expect((await stack.health('node-a')).services).toMatchObject({ cluster: { running: true, nodes: ['node-a', 'node-b'] } });

    // The teammate's session lived through it all.
    await bob.client.request({ type: 'query', content: 'What tasks do I have?' }, 'processing');
    await bob.client.next('response', 30_000);
    // No crash, no unhandled rejection.
    for (const node of stack.nodes) {
      expect(node.process.child.exitCode).toBeNull();
      expect(node.process.stderr()).not.toMatch(/unhandled|uncaught/i);
    }
    for (const client of [alice.client, bob.client, carol.client]) client.close();
  }, 90_000);
});
