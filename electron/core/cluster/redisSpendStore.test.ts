import { afterEach, describe, expect, it } from 'vitest';

import { connectRedis, type RedisConnection } from './redisConnection';
import { daysBetween, redisSpendStore } from './redisSpendStore';
import { haveRedisServer, startRedisServer, type RedisServer } from './testing/redisServer';
import { until } from './testing/until';

const call = (day: string, userId: string, usd: number) => ({
  day,
  orgId: 'org1',
  orgName: 'Acme',
  userId,
  name: `User ${userId}`,
  email: `${userId}@example.com`,
  usd,
  inputTokens: 1000,
  outputTokens: 100,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  calls: 1,
});


describe('daysBetween', () => {
  it('lists calendar days inclusive, across months and leap days, and nothing for a bad range', () => {
    expect(daysBetween('2028-02-28', '2028-03-01')).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
    expect(daysBetween('2026-12-31', '2026-12-31')).toEqual(['2026-12-31']);
    expect(daysBetween('2026-12-31', '2026-12-01')).toEqual([]);
    expect(daysBetween('yesterday', '2026-12-01')).toEqual([]);
  });
});

describe.skipIf(!haveRedisServer && !process.env.CI)('redisSpendStore (Debian redis-server on a free port)', () => {
  let server: RedisServer | undefined;
  const connections: RedisConnection[] = [];
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await server?.stop();
    server = undefined;
  });

  async function node(name: string): Promise<RedisConnection> {
    const connection = connectRedis({ url: server!.url, nodeId: name, maxReconnectDelayMs: 100 });
    connections.push(connection);
    await until('ready', () => connection.status() === 'ready');
    return connection;
  }

  it('sums every node’s spend per user and day, and gives each warning mark once in the whole cluster', async () => {
    server = await startRedisServer();
    const a = redisSpendStore(await node('a'));
    const b = redisSpendStore(await node('b'));
    await a.add(call('2026-12-07', 'u1', 0.3));
    await b.add(call('2026-12-07', 'u1', 0.2));
    await b.add(call('2026-12-06', 'u2', 1.25));
    await a.add(call('2026-11-30', 'u1', 9));
    await Promise.all([a.flush(), b.flush()]);
    const rows = await b.rows('2026-12-01', '2026-12-07');
    expect(rows).toEqual([
      expect.objectContaining({
        day: '2026-12-06',
        userId: 'u2',
        usd: 1.25,
        calls: 1,
        inputTokens: 1000,
        name: 'User u2',
        orgName: 'Acme',
      }),
      expect.objectContaining({ day: '2026-12-07', userId: 'u1', calls: 2, inputTokens: 2000, outputTokens: 200, email: 'u1@example.com' }),
    ]);
    expect(rows[1]!.usd).toBeCloseTo(0.5, 9);
    expect(await a.markOnce('warned|perUserDailyUsd|2026-12-07|org1|u1')).toBe(true);
    expect(await b.markOnce('warned|perUserDailyUsd|2026-12-07|org1|u1')).toBe(false);
    expect(await b.hasMark('warned|perUserDailyUsd|2026-12-07|org1|u1')).toBe(true);
    expect(await b.hasMark('warned|other')).toBe(false);
  });

  it('reuses a read for a second: its own calls count at once, other nodes’ once the read is a second old', async () => {
    server = await startRedisServer();
    let clock = 1_000_000;
    const now = () => clock;
    const a = redisSpendStore(await node('a'), { now });
    const b = redisSpendStore(await node('b'), { now });
    await a.add(call('2026-12-07', 'u1', 1));
    const total = async (): Promise<number> => (await a.rows('2026-12-01', '2026-12-07')).reduce((sum, row) => sum + row.usd, 0);
    expect(await total()).toBeCloseTo(1, 9);
    await a.add(call('2026-12-07', 'u1', 2));
    await b.add(call('2026-12-07', 'u2', 4));
    await b.flush();
    // Within the second: a's own new call counts, b's not yet.
    expect(await total()).toBeCloseTo(3, 9);
    clock += 1000;
    expect(await total()).toBeCloseTo(7, 9);
    // Nothing counted twice once the new read includes a's call.
    expect((await a.rows('2026-12-01', '2026-12-07')).find((row) => row.userId === 'u1')?.calls).toBe(2);
  });

  it('counts on the node while Redis is away, and adds what it counted when Redis is back', async () => {
    server = await startRedisServer();
    const warnings: string[] = [];
    const connection = await node('a');
    const a = redisSpendStore(connection, { warn: (message) => warnings.push(message) });
    await a.add(call('2026-12-07', 'u1', 0.1));
    await a.flush();
    await server.kill();
    await until('degraded', () => connection.status() === 'degraded');
    await a.add(call('2026-12-07', 'u1', 0.2));
    const during = await a.rows('2026-12-07', '2026-12-07');
    // Node-local while away: what this node counted since Redis left.
    expect(during.map((row) => row.usd)).toEqual([0.2]);
    expect(await a.markOnce('m1')).toBe(true);
    expect(await a.markOnce('m1')).toBe(false);
    await server.restart();
    await until('ready', () => connection.status() === 'ready');
    await a.flush();
    const after = await a.rows('2026-12-07', '2026-12-07');
    // The restarted Redis is empty (no persistence in tests): it now holds what was counted while away, once.
    expect(after.map((row) => row.usd)).toEqual([0.2]);
    expect((await a.rows('2026-12-07', '2026-12-07')).map((row) => row.calls)).toEqual([1]);
    expect(warnings.join('\n')).toMatch(/unreachable[\s\S]*back/);
  });
});
