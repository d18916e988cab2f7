import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../../electron/core/tallyfy/sandbox';
import type { Health } from '../../../shared/types/health';
import type { SessionSnapshot } from '../../../shared/types/session';
import type { SettingsView } from '../../../shared/types/settings';
import type { StatsView } from '../../../shared/types/stats';

import { haveRedisServer, startClusterStack, until, type ClusterStack } from './clusterStack';

type List = { sessions: SessionSnapshot[] };

/**
 * Three `serve` nodes on one Redis and one sandbox: one admin view over the cluster, a kick across
 * nodes, cluster-wide sign-in settings, and shared limits. The tests run in order on one cluster
 * (starting one costs seconds); the limit tests come last because they block addresses.
 */
describe.skipIf(!haveRedisServer && !process.env.CI)('cluster: one admin view, shared settings and limits (3 serve nodes, Redis)', () => {
  let stack: ClusterStack;
  beforeAll(async () => {
    stack = await startClusterStack({ nodes: ['node-a', 'node-b', 'node-c'] });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it('the admin of node A sees a session on node B (with its node), live with its tool calls, cluster-wide stats, and kicks it', async () => {
    const events = await stack.adminEvents('node-a');
    const bob = await stack.signIn('node-b', { apiKey: sandboxTokens.bob });
    // Live: A's admin socket is told about B's session.
    await events.waitFor(
      (event) =>
        event.event === 'sessions.changed' &&
        (event.payload as List).sessions.some((s) => s.id === bob.sessionId && s.node === 'node-b' && s.authenticated),
    );
    const listed = await until('A to list B’s signed-in session', async () =>
      (await stack.adminOk<List>('node-a', 'sessions.list')).sessions.find((s) => s.id === bob.sessionId && s.authenticated),
    );
    expect(listed).toMatchObject({
      node: 'node-b',
      authenticated: true,
      user: { name: expect.any(String) },
      org: { id: sandboxOrgs.acme },
    });
    // Never a credential in the row.
    expect(JSON.stringify(listed)).not.toContain(sandboxTokens.bob);

    // A query on B with a tool call (the fake's demo responder lists tasks): A's admin view sees the tool call live.
    await bob.client.request({ type: 'query', content: 'What tasks do I have?' }, 'processing');
    await bob.client.next('response', 30_000);
    await events.waitFor(
      (event) =>
        event.event === 'sessions.changed' &&
        (event.payload as List).sessions.some((s) => s.id === bob.sessionId && s.recentToolCalls.length > 0 && s.stats.queries === 1),
    );
    // Cluster-wide stats on A, where nobody asked anything: B's query, tool call and tokens (by heartbeat, every 2 s).
    const stats = await until('A’s stats to include B’s query', async () => {
      const view = await stack.adminOk<StatsView>('node-a', 'stats.get');
      return view.queries >= 1 && view.users.length > 0 ? view : undefined;
    });
    expect(stats.toolCalls.reduce((total, entry) => total + entry.count, 0)).toBeGreaterThan(0);
    expect(stats.totalCostUsd).toBeGreaterThan(0);

    // The kick from A ends the session on B; the teammate is told why.
    expect(await stack.adminOk('node-a', 'sessions.kick', { id: bob.sessionId, reason: 'cluster maintenance' })).toEqual({ kicked: true });
    const closed = await bob.client.waitClose(10_000);
    expect(closed.reason).toBe('kicked');
    expect(JSON.stringify(bob.client.frames.at(-1))).toContain('cluster maintenance');
    await until(
      'the session to leave A’s list',
      async () => !(await stack.adminOk<List>('node-a', 'sessions.list')).sessions.some((s) => s.id === bob.sessionId),
    );
    events.close();
  }, 90_000);

  it('sign-in settings changed on A are in force on B within a second (allowed orgs, idle timeout)', async () => {
    const alice = await stack.signIn('node-b'); // Acme, signed in before the change
    const started = Date.now();
    await stack.adminOk('node-a', 'settings.update', { allowedOrgs: [sandboxOrgs.beta], idleTimeoutMinutes: 7 });
    const seenOnB = await until(
      'B to show the new settings',
      async () => {
        const view = await stack.adminOk<SettingsView>('node-b', 'settings.get');
        return view.allowedOrgs.includes(sandboxOrgs.beta) && view.idleTimeoutMinutes === 7 ? Date.now() : undefined;
      },
      10_000,
      20,
    );
    expect(seenOnB - started).toBeLessThan(1000);
    // In force: an Acme sign-in on B is refused, a Beta one accepted; open sessions on B get the new idle timeout.
    const refused = await stack.open('node-b');
    expect(
      await refused.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_error', 15_000),
    ).toMatchObject({ code: 'ORG_NOT_ALLOWED' });
    refused.close();
    const dave = await stack.signIn('node-b', { apiKey: sandboxTokens.dave, orgId: sandboxOrgs.beta });
    const row = (await stack.adminOk<List>('node-b', 'sessions.list')).sessions.find((s) => s.id === alice.sessionId)!;
    expect(row.expiresAt - row.lastActiveAt).toBe(7 * 60_000);
    // And node C too.
    expect((await stack.adminOk<SettingsView>('node-c', 'settings.get')).allowedOrgs).toEqual([sandboxOrgs.beta]);

    await stack.adminOk('node-b', 'settings.update', { allowedOrgs: [], idleTimeoutMinutes: 60 });
    await until('A to have them back', async () => (await stack.adminOk<SettingsView>('node-a', 'settings.get')).allowedOrgs.length === 0);
    alice.client.close();
    dave.client.close();
  }, 60_000);

  it('a kick of a session whose node was SIGKILLed says the node is gone, and its sessions leave the list within the heartbeat TTL', async () => {
    const carol = await stack.signIn('node-c', { apiKey: sandboxTokens.carol });
    await until('A to list C’s session', async () =>
      (await stack.adminOk<List>('node-a', 'sessions.list')).sessions.some((s) => s.id === carol.sessionId),
    );
    await stack.kill('node-c');
    const answer = await stack.admin('node-a', 'sessions.kick', { id: carol.sessionId, reason: 'tidy up' });
    // Either the node is reported gone, or (if its TTL ran out already) the session is simply not there any more.
    if (answer.body.ok) expect(answer.body.data).toEqual({ kicked: false });
    else {
      expect(answer.body.error.code).toBe('NODE_GONE');
      expect(answer.body.error.message).toMatch(/node-c/);
    }
    const killedAt = Date.now();
    await until(
      'C’s session to leave A’s list',
      async () => !(await stack.adminOk<List>('node-a', 'sessions.list')).sessions.some((s) => s.node === 'node-c'),
      15_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(12_000); // TTL 6 s, with slack for a loaded machine
    const health = await stack.adminOk<Health>('node-a', 'health.get');
    expect(health.services.cluster?.nodes).toEqual(['node-a', 'node-b']);
  }, 60_000);

  it('ten failed sign-ins on node A block the same address on node B (and not another address)', async () => {
    const from = '127.0.0.9';
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const client = await stack.open('node-a', { localAddress: from });
      const answer = await client.request(
        { type: 'auth', api_key: `wrong-key-${attempt}`, org_id: sandboxOrgs.acme },
        'auth_error',
        15_000,
      );
      expect(answer.code).toBe('INVALID_CREDENTIALS');
      client.close();
    }
    const onB = await stack.open('node-b', { localAddress: from });
    expect(await onB.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_error', 15_000)).toMatchObject(
      { code: 'TOO_MANY_ATTEMPTS' },
    );
    // Another address is not affected.
    const other = await stack.signIn('node-b', { localAddress: '127.0.0.10' });
    other.client.close();
  }, 90_000);

  it('ten wrong admin tokens on node A lock the address out of node B’s admin too', async () => {
    const from = '127.0.0.11';
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      expect((await stack.admin('node-a', 'health.get', {}, `wrong-token-number-${attempt}-xxxxxxxx`, from)).status).toBe(401);
    }
    expect((await stack.admin('node-b', 'health.get', {}, stack.adminToken, from)).status).toBe(429);
    expect((await stack.admin('node-b', 'health.get', {}, stack.adminToken, '127.0.0.12')).status).toBe(200);
  }, 60_000);
});
