import { afterEach, describe, expect, it } from 'vitest';

import { connectRedis, redactRedisUrl, type ClusterLinkStatus, type RedisConnection } from './redisConnection';
import { haveRedisServer, startRedisServer, type RedisServer } from './testing/redisServer';
import { until } from './testing/until';



describe('redactRedisUrl', () => {
  it('hides the password and user of a Redis URL', () => {
    expect(redactRedisUrl('redis://:s3cret@10.0.0.5:6379/0')).toBe('redis://:***@10.0.0.5:6379/0');
    expect(redactRedisUrl('rediss://admin:s3cret@db:6380')).not.toMatch(/admin|s3cret/);
    expect(redactRedisUrl('not a url :s3cret')).toBe('redis://***');
  });
});

describe.skipIf(!haveRedisServer && !process.env.CI)('connectRedis (Debian redis-server on a free port)', () => {
  let server: RedisServer | undefined;
  let connection: RedisConnection | undefined;
  afterEach(async () => {
    await connection?.close();
    await server?.stop();
    connection = undefined;
    server = undefined;
  });

  it('is ready with AUTH from the URL, names keys under the prefix, and never logs the password', async () => {
    server = await startRedisServer({ password: 'pw-for-the-test' });
    const logs: string[] = [];
    connection = connectRedis({ url: server.url, nodeId: 'n1', prefix: 'team:', log: (_, message) => logs.push(message) });
    await until('ready', () => connection?.status() === 'ready');
    await connection.client.set(connection.key('probe', 'a'), '1');
    expect(await connection.client.keys('team:*')).toEqual(['team:probe:a']);
    expect(logs.join('\n')).toContain('connected to Redis');
    expect(logs.join('\n')).not.toContain('pw-for-the-test');
  });

  it('turns degraded when Redis dies, fails commands fast instead of queueing them, and is ready again when it is back', async () => {
    server = await startRedisServer();
    const seen: ClusterLinkStatus[] = [];
    connection = connectRedis({ url: server.url, nodeId: 'n1', maxReconnectDelayMs: 200 });
    connection.onStatus((status) => seen.push(status));
    await until('ready', () => connection?.status() === 'ready');
    await server.kill();
    await until('degraded', () => connection?.status() === 'degraded');
    await expect(connection.client.get(connection.key('x'))).rejects.toThrow();
    await server.restart();
    await until('ready again', () => connection?.status() === 'ready');
    expect(seen).toEqual(['ready', 'degraded', 'ready']);
  });

  it('starts degraded, without throwing, when Redis is not there at all', async () => {
    server = await startRedisServer();
    const url = server.url;
    await server.stop();
    connection = connectRedis({ url, nodeId: 'n1', maxReconnectDelayMs: 200 });
    await until('degraded', () => connection?.status() === 'degraded');
    expect(connection.status()).toBe('degraded');
  });
});
