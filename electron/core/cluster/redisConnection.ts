import { EventEmitter } from 'node:events';

import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where the node stands with the cluster's Redis: `connecting` before the first connection,
 * `ready` while both connections work, `degraded` while Redis is unreachable (the node keeps
 * serving the sessions it holds with node-local state and resyncs when Redis is back).
 */
export type ClusterLinkStatus = 'connecting' | 'ready' | 'degraded';

/** The node's two Redis connections (commands, and pub/sub, which Redis needs on its own connection). */
export interface RedisConnection {
  /** Commands. Fails fast while Redis is down (no offline queue): callers fall back to node-local state. */
  readonly client: Redis;
  /** Subscriber connection: `subscribe`/`psubscribe` only. Re-subscribes by itself after a reconnect. */
  readonly subscriber: Redis;
  /** Every cluster key and channel starts with this (`--redis-prefix`, default `tallyfy-gw:`). */
  readonly prefix: string;
  /** This node's name in the cluster (`--node-id`). */
  readonly nodeId: string;
  /** `prefix` + the parts joined with `:`: the one way to name a cluster key or channel. */
  key(...parts: string[]): string;
  status(): ClusterLinkStatus;
  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (status: ClusterLinkStatus) => void): () => void;
  /** Closes both connections (QUIT, then disconnect after 1 s at most). */
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL, AUTH in it. */
  url: string;
  /** Key prefix. Default `tallyfy-gw:`. */
  prefix?: string;
  nodeId: string;
  /** Longest wait between reconnection attempts, ms. Default 2000. */
  maxReconnectDelayMs?: number;
  /** Connection timeout, ms. Default 3000. */
  connectTimeoutMs?: number;
  /** Told once per status change, with the URL's password hidden. */
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** The URL with its password (and user) replaced by `***`, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return 'redis://***';
  }
}

/**
 * Opens the node's Redis connections. Never throws for an unreachable Redis: the status starts
 * `connecting`, turns `degraded` when the first attempt fails, and `ready` when both connections
 * are up; ioredis keeps reconnecting with a capped back-off for as long as the node runs.
 */
export function connectRedis(options: RedisConnectionOptions): RedisConnection {
  const prefix = options.prefix ?? 'tallyfy-gw:';
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const redisOptions: RedisOptions = {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 10), maxDelay),
    // Redis errors are reported through the status, never as unhandled 'error' events.
    showFriendlyErrorStack: false,
  };
  const client = new Redis(options.url, { ...redisOptions, connectionName: `${options.nodeId}:cmd` });
  const subscriber = new Redis(options.url, { ...redisOptions, connectionName: `${options.nodeId}:sub`, enableOfflineQueue: true });
  const events = new EventEmitter();
  let current: ClusterLinkStatus = 'connecting';
  let closed = false;
  const where = redactRedisUrl(options.url);
  // Until the first failure the node is `connecting`; after it, anything short of both connections up is `degraded`.
  let failedOnce = false;
  const update = (): void => {
    if (closed) return;
    const next: ClusterLinkStatus =
      client.status === 'ready' && subscriber.status === 'ready' ? 'ready' : failedOnce ? 'degraded' : 'connecting';
    if (next === current) return;
    current = next;
    if (next === 'ready') options.log?.('info', `cluster: connected to Redis at ${where}`);
    else if (next === 'degraded') options.log?.('warn', `cluster: Redis at ${where} is unreachable; serving with node-local state until it is back`);
    events.emit('status', next);
  };
  const trouble = (): void => {
    failedOnce = true;
    update();
  };
  for (const connection of [client, subscriber]) {
    connection.on('ready', update);
    // Without an 'error' listener ioredis prints every failed attempt; the status says it once instead.
    for (const event of ['error', 'close', 'end', 'reconnecting']) connection.on(event, trouble);
  }
  return {
    client,
    subscriber,
    prefix,
    nodeId: options.nodeId,
    key: (...parts) => prefix + parts.join(':'),
    status: () => current,
    onStatus(listener) {
      events.on('status', listener);
      return () => events.off('status', listener);
    },
    async close() {
      closed = true;
      events.removeAllListeners();
      await Promise.all(
        [client, subscriber].map(async (connection) => {
          if (connection.status === 'ready') {
            await Promise.race([connection.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
          }
          connection.disconnect();
        }),
      );
    },
  };
}
