import { Writable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import type { GatewayStats } from '../../../shared/types/gatewayStats';
import type { SessionSnapshot } from '../../../shared/types/session';
import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';

import { ClusterError, createClusterNode, type ClusterNode, type LocalSessionChange, type LocalSessions } from './clusterNode';
import { haveRedisServer, startRedisServer, type RedisServer } from './testing/redisServer';
import { until } from './testing/until';


/** A node's registry as the cluster sees it: sessions to add, update, kick and end. */
class FakeSessions implements LocalSessions {
  readonly sessions = new Map<string, SessionSnapshot>();
  readonly kicked: string[] = [];
  readonly listeners = new Set<(change: LocalSessionChange) => void>();
  queries = 0;

  add(id: string, user = 'Alice'): SessionSnapshot {
    const session: SessionSnapshot = {
      id,
      kind: 'ws',
      state: 'idle',
      authenticated: true,
      user: { id: `u-${user}`, name: user, email: `${user.toLowerCase()}@acme.example` },
      org: { id: 'a0000000000000000000000000000001', name: 'Acme' },
      address: '10.0.0.7',
      connectedAt: Date.now(),
      lastActiveAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
      stats: { queries: 0, toolCalls: 0, errors: 0, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } },
      recentToolCalls: [],
    };
    this.sessions.set(id, session);
    for (const listener of this.listeners) listener({ type: 'added', session });
    return session;
  }

  update(id: string, patch: Partial<SessionSnapshot>): void {
    const session = { ...this.sessions.get(id)!, ...patch };
    this.sessions.set(id, session);
    for (const listener of this.listeners) listener({ type: 'updated', session });
  }

  end(id: string): void {
    if (!this.sessions.delete(id)) return;
    for (const listener of this.listeners) listener({ type: 'removed', id });
  }

  list(): SessionSnapshot[] {
    return [...this.sessions.values()];
  }

  subscribe(listener: (change: LocalSessionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  kick(id: string): boolean {
    if (!this.sessions.has(id)) return false;
    this.kicked.push(id);
    this.end(id);
    return true;
  }

  stats(): GatewayStats {
    return {
      active: this.sessions.size,
      authenticated: this.sessions.size,
      peak: this.sessions.size,
      sessionsTotal: this.sessions.size,
      queries: this.queries,
      latency: [],
      toolCalls: { list_tasks: { count: this.queries, errors: 0 } },
      errors: {},
      tokensByUser: {
        'o:u': { name: 'Alice', email: 'a@x', inputTokens: 100 * this.queries, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    };
  }
}

const quietLogger = () => createLogger({ secrets: new SecretRegistry(), destination: new Writable({ write: (_c, _e, done) => done() }) });

describe.skipIf(!haveRedisServer && !process.env.CI)('clusterNode (two nodes in one process, Debian redis-server)', () => {
  let server: RedisServer | undefined;
  const nodes: ClusterNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.stop()));
    await server?.stop();
    server = undefined;
  });

  const join = async (id: string, sessions: LocalSessions, extra: { heartbeatMs?: number } = {}): Promise<ClusterNode> => {
    const node = createClusterNode({
      url: server!.url,
      nodeId: () => id,
      logger: quietLogger(),
      sessions,
      heartbeatMs: extra.heartbeatMs ?? 200,
      maxReconnectDelayMs: 200,
      commandTimeoutMs: 1500,
    });
    nodes.push(node);
    await node.start();
    return node;
  };

  it('lists every node’s sessions with their node, live, and sums the stats', async () => {
    server = await startRedisServer();
    const onA = new FakeSessions();
    const onB = new FakeSessions();
    onB.add('early-b', 'Bob'); // held before node B joins: published by its first resync
    const a = await join('node-a', onA);
    const b = await join('node-b', onB);
    onA.add('s-a', 'Alice');
    const changes: string[] = [];
    a.directory.subscribe((change) => changes.push(change?.type ?? 'resync'));
    onB.add('s-b', 'Carol');
    await until('A to list both of B’s sessions', () => a.directory.list().filter((s) => s.node === 'node-b').length === 2);
    expect(
      a.directory
        .list()
        .map((s) => [s.id, s.node])
        .sort(),
    ).toEqual([
      ['early-b', 'node-b'],
      ['s-a', 'node-a'],
      ['s-b', 'node-b'],
    ]);
    expect(changes).toContain('added');
    onB.update('s-b', { state: 'running_tool' });
    await until('the update on A', () => a.directory.list().find((s) => s.id === 's-b')?.state === 'running_tool');
    onB.end('early-b');
    await until('the removal on A', () => !a.directory.list().some((s) => s.id === 'early-b'));
    onA.queries = 2;
    onB.queries = 3;
    await until('stats summed on B', () => b.directory.stats().queries === 5);
    const stats = b.directory.stats();
    expect(stats.toolCalls.list_tasks).toEqual({ count: 5, errors: 0 });
    expect(stats.tokensByUser['o:u']!.inputTokens).toBe(500);
    expect(a.health()).toMatchObject({ running: true, node: 'node-a', nodes: ['node-a', 'node-b'] });
    // Nothing but the snapshot went to Redis: no credential field exists to leak, and the data is what the admin sees.
    const raw = await a.connection()!.client.hgetall('tallyfy-gw:sessions:node-b');
    expect(Object.keys(raw)).toEqual(['s-b']);
  }, 30_000);

  it('kicks a session held by another node, and says clearly when that node is gone', async () => {
    server = await startRedisServer();
    const onA = new FakeSessions();
    const onB = new FakeSessions();
    const a = await join('node-a', onA);
    const b = await join('node-b', onB);
    onB.add('victim');
    await until('A to see the session', () => a.directory.list().some((s) => s.id === 'victim'));
    expect(await a.directory.kick('victim', 'bye')).toBe(true);
    expect(onB.kicked).toEqual(['victim']);
    await until('the kicked session to leave A’s list', () => !a.directory.list().some((s) => s.id === 'victim'));
    expect(await a.directory.kick('nobody-has-this')).toBe(false);

    onB.add('orphan');
    await until('A to see the orphan', () => a.directory.list().some((s) => s.id === 'orphan'));
    // B's Redis connections drop without a goodbye (as a crash would): B no longer listens for commands.
    b.connection()!.subscriber.disconnect();
    b.connection()!.client.disconnect();
    const listening = async (): Promise<number> =>
      Number(((await a.connection()!.client.pubsub('NUMSUB', 'tallyfy-gw:cmd:node-b')) as [string, number])[1]);
    for (let deadline = Date.now() + 5000; (await listening()) > 0 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const error = await a.directory.kick('orphan').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).code).toBe('NODE_GONE');
    expect((error as Error).message).toMatch(/node-b.*no longer in the cluster/);
    // Within the heartbeat TTL (3 × 200 ms) B and its sessions leave A's list.
    await until('B to leave', () => !a.directory.list().some((s) => s.node === 'node-b'), 5000);
    expect(a.health().nodes).toEqual(['node-a']);
  }, 30_000);

  it('shares failure counts: ten failures on A block the address on B; with Redis away each node counts alone', async () => {
    server = await startRedisServer();
    const a = await join('node-a', new FakeSessions());
    const b = await join('node-b', new FakeSessions());
    const limit = { maxFailures: 10, windowMs: 60_000 };
    const onA = a.attemptLimiter('signin', limit);
    const onB = b.attemptLimiter('signin', limit);
    await until('ready', () => a.status() === 'ready' && b.status() === 'ready');
    for (let i = 0; i < 9; i += 1) await onA.fail('203.0.113.9');
    expect(await onB.blockedFor('203.0.113.9')).toBe(0);
    await onA.fail('203.0.113.9');
    expect(await onB.blockedFor('203.0.113.9')).toBeGreaterThan(0);
    expect(await onB.blockedFor('203.0.113.10')).toBe(0);

    await server.kill();
    await until('degraded', () => a.status() === 'degraded');
    // Node-local now: the insurance limiter counts without Redis and never throws.
    for (let i = 0; i < 10; i += 1) await onA.fail('198.51.100.1');
    expect(await onA.blockedFor('198.51.100.1')).toBeGreaterThan(0);
    expect(await onB.blockedFor('198.51.100.1')).toBe(0);
  }, 30_000);

  it('counts connections per address across nodes (node-local while Redis is away)', async () => {
    server = await startRedisServer();
    const a = await join('node-a', new FakeSessions());
    const b = await join('node-b', new FakeSessions());
    a.connections.opened('10.1.1.1');
    a.connections.opened('10.1.1.1');
    b.connections.opened('10.1.1.1');
    await until('B to count A’s two', () => b.connections.held('10.1.1.1') === 3);
    await until('A to count B’s one', () => a.connections.held('10.1.1.1') === 3);
    a.connections.closed('10.1.1.1');
    await until('B to see one closed', () => b.connections.held('10.1.1.1') === 2);
    await server.kill();
    await until('degraded', () => b.status() === 'degraded');
    expect(b.connections.held('10.1.1.1')).toBe(1);
  }, 30_000);

  it('resyncs after Redis restarts empty: every node writes its sessions back and reads the others', async () => {
    server = await startRedisServer();
    const onA = new FakeSessions();
    const onB = new FakeSessions();
    const a = await join('node-a', onA);
    const b = await join('node-b', onB);
    onA.add('keep-a');
    onB.add('keep-b');
    await until('both lists whole', () => a.directory.list().length === 2 && b.directory.list().length === 2);
    await server.restart(); // SIGKILL, then an empty Redis on the same port
    await until('degraded', () => a.status() !== 'ready' || b.status() !== 'ready', 5000).catch(() => undefined);
    onB.add('new-b-during-outage');
    await until('both ready again', () => a.status() === 'ready' && b.status() === 'ready');
    await until(
      'A lists every session again',
      () =>
        a.directory
          .list()
          .map((s) => s.id)
          .sort()
          .join() === 'keep-a,keep-b,new-b-during-outage',
    );
    await until(
      'B lists every session again',
      () =>
        b.directory
          .list()
          .map((s) => s.id)
          .sort()
          .join() === 'keep-a,keep-b,new-b-during-outage',
    );
    expect(Object.keys(await a.connection()!.client.hgetall('tallyfy-gw:sessions:node-b')).sort()).toEqual([
      'keep-b',
      'new-b-during-outage',
    ]);
  }, 40_000);

  it('starts degraded without waiting long when Redis is down, and joins when it comes up', async () => {
    server = await startRedisServer();
    await server.kill();
    const onA = new FakeSessions();
    onA.add('held-while-alone');
    const started = Date.now();
    const a = await join('node-a', onA);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(a.status()).toBe('degraded');
    expect(a.health()).toMatchObject({ running: false, detail: expect.stringMatching(/^degraded/) });
    expect(a.directory.list().map((s) => s.id)).toEqual(['held-while-alone']);
    await server.restart();
    const b = await join('node-b', new FakeSessions());
    await until('B to list A’s session once A joined', () =>
      b.directory.list().some((s) => s.id === 'held-while-alone' && s.node === 'node-a'),
    );
  }, 30_000);

  it('a clean stop says goodbye: the others drop the node at once', async () => {
    server = await startRedisServer();
    const onB = new FakeSessions();
    const a = await join('node-a', new FakeSessions(), { heartbeatMs: 5000 });
    const b = await join('node-b', onB, { heartbeatMs: 5000 });
    onB.add('s');
    await until('A sees B', () => a.health().nodes.includes('node-b') && a.directory.list().length === 1);
    await b.stop();
    nodes.splice(nodes.indexOf(b), 1);
    await until('A drops B well before its 15 s TTL', () => !a.health().nodes.includes('node-b') && a.directory.list().length === 0, 3000);
  }, 30_000);
});
