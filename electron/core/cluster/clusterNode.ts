import { randomUUID } from 'node:crypto';

import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { z } from 'zod';

import { gatewayStatsSchema, type GatewayStats } from '../../../shared/types/gatewayStats';
import type { ClusterHealth } from '../../../shared/types/health';
import { sessionSnapshotSchema, type SessionSnapshot } from '../../../shared/types/session';
import type { Logger } from '../log/logger';
import { memoryAddressConnections, type AddressConnections } from '../net/addressConnections';
import { createAttemptLimiter, type AttemptLimit, type AttemptLimiter } from '../net/attemptLimiter';

import { mergeStats, shareableStats } from './clusterStats';
import { connectRedis, redactRedisUrl, type ClusterLinkStatus, type RedisConnection } from './redisConnection';

/** One session's change on this node, as the session registry reports it. */
export type LocalSessionChange = { type: 'added' | 'updated'; session: SessionSnapshot } | { type: 'removed'; id: string };

/** What the cluster reads from this node's session registry (`SessionRegistry` satisfies it). */
export interface LocalSessions {
  list(): SessionSnapshot[];
  subscribe(listener: (change: LocalSessionChange) => void): () => void;
  /** Ends one of this node's sessions; false when it has no such session. */
  kick(id: string, reason?: string): boolean;
  stats(): GatewayStats;
}

/** A change in the cluster's session list (undefined: many changed, read the list again). */
export type ClusterSessionChange = LocalSessionChange | undefined;

/**
 * The admin's view of the cluster's sessions: the same shape as the single node's directory
 * (list, kick, subscribe, stats), over every node. Rows carry `node`.
 */
export interface ClusterDirectory {
  /** Every live session of every live node (this node's first, as it holds them now). */
  list(): SessionSnapshot[];
  /**
   * Ends a session wherever it is: here directly, on another node through a command over
   * pub/sub. False when no node holds it. Throws a {@link ClusterError} (`CLUSTER_DEGRADED`,
   * `NODE_GONE`, `NODE_UNREACHABLE`) when its node cannot be reached.
   */
  kick(id: string, reason?: string): Promise<boolean>;
  subscribe(listener: (change?: ClusterSessionChange) => void): () => void;
  /** Statistics summed over the live nodes (this node's as of now, the others' as of their last heartbeat). */
  stats(): GatewayStats;
}

/** A cluster operation that could not be done, with a stable `code` for the admin's error. */
export class ClusterError extends Error {
  constructor(
    readonly code: 'CLUSTER_DEGRADED' | 'NODE_GONE' | 'NODE_UNREACHABLE',
    message: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** A message another cluster part (settings, conversations) sends to every node on the bus. */
export interface BusMessage {
  kind: string;
  /** The sending node. */
  node: string;
  [field: string]: unknown;
}

export interface ClusterNodeOptions {
  /** `redis://` or `rediss://` URL, AUTH in it (`--redis`). */
  url: string;
  /** Key prefix (`--redis-prefix`). Default `tallyfy-gw:`. */
  prefix?: string;
  /**
   * This node's id (`--node-id`), read once at {@link ClusterNode.start}: the default (host
   * name + `:` + gateway port) is known only once the gateway listens.
   */
  nodeId: () => string;
  logger: Logger;
  sessions: LocalSessions;
  /** Heartbeat period, ms. Default 2,000. */
  heartbeatMs?: number;
  /** A node not heard from for this long has left: its sessions leave the list. Default 3 heartbeats. */
  nodeTtlMs?: number;
  /** Local session changes are gathered this long before they are published, ms. Default 100. */
  flushMs?: number;
  /** How long a kick waits for the owning node's answer, ms. Default 3,000. */
  commandTimeoutMs?: number;
  /** Longest wait between reconnection attempts, ms. Default 2,000. */
  maxReconnectDelayMs?: number;
  /** How long {@link ClusterNode.start} waits for the first sync before going on degraded, ms. Default 5,000. */
  joinTimeoutMs?: number;
}

/**
 * This node's membership of the cluster (a `{start, stop}` service of the core). It keeps the
 * session directory in Redis (per node a hash of session snapshots: ids, user, org, node, times,
 * counters — never credentials or conversation text), heartbeats with a TTL, and one pub/sub bus
 * for session changes and settings plus a command channel per node (kick). While Redis is away
 * every part falls back to node-local state, and everything is re-published when it is back.
 */
export interface ClusterNode {
  /** This node's id (once started). */
  readonly nodeId: string;
  readonly prefix: string;
  status(): ClusterLinkStatus;
  /** The `cluster` entry of the health services. */
  health(): ClusterHealth;
  readonly directory: ClusterDirectory;
  /** Per-address connection counts over every node (node-local while Redis is away). */
  readonly connections: AddressConnections;
  /**
   * A failure counter shared by every node (RateLimiterRedis under `<prefix>limit:<name>:`), with
   * a node-local memory limiter as its insurance while Redis is away. Usable before `start` (memory only until then).
   */
  attemptLimiter(name: string, limit: AttemptLimit): AttemptLimiter;
  /** The Redis connection once started (for the other cluster stores). */
  connection(): RedisConnection | undefined;
  /** Sends a message to every other node (dropped while Redis is away). */
  publish(message: Omit<BusMessage, 'node'>): Promise<void>;
  /** Receives every other node's messages of `kind`; returns the unsubscribe function. */
  onMessage(kind: string, listener: (message: BusMessage) => void): () => void;
  /** Called after every (re)connection, once this node's state is written back and the others' read. */
  onResync(listener: () => void | Promise<void>): () => void;
  /**
   * Connects and joins: resolves once this node's state is written and the others' read, or as
   * soon as Redis proves unreachable (the node then serves degraded and joins when Redis is back),
   * after `joinTimeoutMs` at most. Never throws for Redis trouble.
   */
  start(): Promise<void>;
  /** Publishes the last changes, says goodbye (the others drop this node at once) and closes the connections. */
  stop(): Promise<void>;
}

const heartbeatSchema = z.object({
  node: z.string().min(1).max(300),
  startedAt: z.number(),
  sessions: z.number().int().nonnegative(),
  connections: z.record(z.string(), z.number().int().nonnegative()),
  stats: gatewayStatsSchema,
});
type Heartbeat = z.infer<typeof heartbeatSchema>;

const stateMessageSchema = z.object({
  kind: z.literal('state'),
  node: z.string().min(1).max(300),
  /** True: `upserts` is the node's whole list (a resync). */
  full: z.boolean(),
  upserts: z.array(sessionSnapshotSchema),
  removed: z.array(z.string()),
  /** Present on heartbeats. */
  heartbeat: heartbeatSchema.optional(),
  /** Present when they changed. */
  connections: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

const envelopeSchema = z.object({ kind: z.string().min(1).max(40), node: z.string().min(1).max(300) }).loose();

const commandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kick'), from: z.string(), requestId: z.string(), id: z.string(), reason: z.string().optional() }),
  z.object({ kind: z.literal('kick-result'), requestId: z.string(), kicked: z.boolean() }),
]);

interface RemoteNode {
  lastSeen: number;
  startedAt: number;
  stats?: GatewayStats;
  connections: Record<string, number>;
  sessions: Map<string, SessionSnapshot>;
}

/** Creates the node's cluster service; nothing connects until {@link ClusterNode.start}. */
export function createClusterNode(options: ClusterNodeOptions): ClusterNode {
  const prefix = options.prefix ?? 'tallyfy-gw:';
  const heartbeatMs = options.heartbeatMs ?? 2000;
  const ttlMs = options.nodeTtlMs ?? heartbeatMs * 3;
  const flushMs = options.flushMs ?? 100;
  const commandTimeoutMs = options.commandTimeoutMs ?? 3000;
  const { logger } = options;
  const key = (...parts: string[]): string => prefix + parts.join(':');
  const startedAt = Date.now();

  let nodeId = '';
  let connection: RedisConnection | undefined;
  let stopped = false;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let stopLocal: (() => void) | undefined;
  let stopStatus: (() => void) | undefined;

  const remotes = new Map<string, RemoteNode>();
  const directoryListeners = new Set<(change?: ClusterSessionChange) => void>();
  const messageListeners = new Map<string, Set<(message: BusMessage) => void>>();
  const resyncListeners = new Set<() => void | Promise<void>>();
  const pendingCommands = new Map<string, (kicked: boolean) => void>();
  /** Local changes not yet published. */
  const dirty = new Map<string, SessionSnapshot>();
  const removed = new Set<string>();
  /** Ids this node has published (what the others should hold for it). */
  const published = new Set<string>();
  let connectionsDirty = false;
  /** Nodes whose hash is being re-read (their heartbeat count disagreed with ours). */
  const rereading = new Set<string>();

  const ready = (): boolean => !stopped && connection?.status() === 'ready';
  const withNode = (session: SessionSnapshot): SessionSnapshot => ({ ...session, node: nodeId });
  const tellDirectory = (change?: ClusterSessionChange): void => {
    for (const listener of [...directoryListeners]) {
      try {
        listener(change);
      } catch (error) {
        logger.warn({ err: error }, 'a cluster session listener failed');
      }
    }
  };
  /** Runs a Redis call whose failure only means "Redis is away": never an unhandled rejection. */
  const quietly = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      if (!stopped) logger.debug({ err: error, what }, 'cluster: a Redis call failed');
      return undefined;
    }
  };

  const liveRemotes = (): Array<[string, RemoteNode]> => {
    const now = Date.now();
    return [...remotes.entries()].filter(([, remote]) => now - remote.lastSeen < ttlMs);
  };

  const localConnections = memoryAddressConnections(() => {
    connectionsDirty = true;
    scheduleFlush();
  });
  const connections: AddressConnections = {
    held(address) {
      let count = localConnections.held(address);
      // While Redis is away the cap is node-local (the others' counts are not current).
      if (ready()) for (const [, remote] of liveRemotes()) count += remote.connections[address] ?? 0;
      return count;
    },
    opened: (address) => localConnections.opened(address),
    closed: (address) => localConnections.closed(address),
    local: () => localConnections.local(),
  };

  const heartbeat = (): Heartbeat => ({
    node: nodeId,
    startedAt,
    sessions: published.size,
    connections: localConnections.local(),
    stats: shareableStats(options.sessions.stats()),
  });

  // ---- publishing this node's state ----
  function scheduleFlush(): void {
    if (flushTimer || stopped || !nodeId) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void flush(false);
    }, flushMs);
    flushTimer.unref?.();
  }

  /** Publishes the gathered local changes (and the heartbeat when `withHeartbeat`) in one round trip. */
  async function flush(withHeartbeat: boolean): Promise<void> {
    if (!ready() || !connection) {
      // Nothing can be written now; the resync after the reconnection writes everything.
      dirty.clear();
      removed.clear();
      connectionsDirty = false;
      return;
    }
    const upserts = [...dirty.values()];
    const gone = [...removed];
    dirty.clear();
    removed.clear();
    for (const session of upserts) published.add(session.id);
    for (const id of gone) published.delete(id);
    const sendConnections = connectionsDirty;
    connectionsDirty = false;
    if (!withHeartbeat && upserts.length === 0 && gone.length === 0 && !sendConnections) return;
    const sessionsKey = key('sessions', nodeId);
    const multi = connection.client.multi();
    if (upserts.length > 0) multi.hset(sessionsKey, ...upserts.flatMap((session) => [session.id, JSON.stringify(session)]));
    if (gone.length > 0) multi.hdel(sessionsKey, ...gone);
    const beat = withHeartbeat ? heartbeat() : undefined;
    if (beat) {
      multi.set(key('node', nodeId), JSON.stringify(beat), 'PX', ttlMs);
      multi.pexpire(sessionsKey, ttlMs);
    }
    const message = {
      kind: 'state',
      node: nodeId,
      full: false,
      upserts,
      removed: gone,
      ...(beat ? { heartbeat: beat } : {}),
      ...(sendConnections || beat ? { connections: localConnections.local() } : {}),
    };
    multi.publish(key('bus'), JSON.stringify(message));
    await quietly('publish state', () => multi.exec());
  }

  /** Writes this node's whole state again and reads every other node's: after each (re)connection. */
  async function resync(): Promise<void> {
    const link = connection;
    if (!ready() || !link) return;
    dirty.clear();
    removed.clear();
    const local = options.sessions.list().map(withNode);
    published.clear();
    for (const session of local) published.add(session.id);
    const sessionsKey = key('sessions', nodeId);
    const beat = heartbeat();
    const multi = link.client.multi().del(sessionsKey);
    if (local.length > 0) multi.hset(sessionsKey, ...local.flatMap((session) => [session.id, JSON.stringify(session)]));
    multi.pexpire(sessionsKey, ttlMs);
    multi.set(key('node', nodeId), JSON.stringify(beat), 'PX', ttlMs);
    multi.publish(
      key('bus'),
      JSON.stringify({
        kind: 'state',
        node: nodeId,
        full: true,
        upserts: local,
        removed: [],
        heartbeat: beat,
        connections: beat.connections,
      }),
    );
    const written = await quietly('resync: write', () => multi.exec());
    if (written === undefined) return;
    const others = await quietly('resync: read nodes', () => scanKeys(link, key('node', '*')));
    if (!others) return;
    const seen = new Set<string>();
    for (const nodeKey of others) {
      const id = nodeKey.slice(key('node', '').length);
      if (!id || id === nodeId) continue;
      seen.add(id);
      await readNode(id);
    }
    for (const id of [...remotes.keys()]) if (!seen.has(id)) remotes.delete(id);
    tellDirectory(undefined);
    logger.info({ node: nodeId, nodes: [nodeId, ...liveRemotes().map(([id]) => id)].sort() }, 'cluster: in sync');
    for (const listener of [...resyncListeners]) {
      try {
        await listener();
      } catch (error) {
        logger.warn({ err: error }, 'cluster: a resync step failed');
      }
    }
  }

  /** Reads one node's heartbeat and session hash from Redis into the mirror. */
  async function readNode(id: string): Promise<void> {
    const link = connection;
    if (!link) return;
    const answer = await quietly('read node', () => link.client.multi().get(key('node', id)).hgetall(key('sessions', id)).exec());
    if (!answer) return;
    const [[, rawBeat], [, rawSessions]] = answer as [[unknown, string | null], [unknown, Record<string, string>]];
    const beat = rawBeat ? parseJson(heartbeatSchema, rawBeat) : undefined;
    if (!beat) {
      remotes.delete(id);
      return;
    }
    const sessions = new Map<string, SessionSnapshot>();
    for (const raw of Object.values(rawSessions ?? {})) {
      const session = parseJson(sessionSnapshotSchema, raw);
      if (session) sessions.set(session.id, { ...session, node: id });
    }
    remotes.set(id, { lastSeen: Date.now(), startedAt: beat.startedAt, stats: beat.stats, connections: beat.connections, sessions });
  }

  // ---- hearing the other nodes ----
  function onBus(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const envelope = envelopeSchema.safeParse(parsed);
    if (!envelope.success || envelope.data.node === nodeId) return;
    if (envelope.data.kind === 'state') {
      const state = stateMessageSchema.safeParse(parsed);
      if (state.success) onState(state.data);
      else logger.debug({ node: envelope.data.node }, 'cluster: a state message did not parse');
      return;
    }
    if (envelope.data.kind === 'bye') {
      if (remotes.delete(envelope.data.node)) tellDirectory(undefined);
      return;
    }
    for (const listener of [...(messageListeners.get(envelope.data.kind) ?? [])]) {
      try {
        listener(envelope.data as BusMessage);
      } catch (error) {
        logger.warn({ err: error, kind: envelope.data.kind }, 'cluster: a message listener failed');
      }
    }
  }

  function onState(state: z.infer<typeof stateMessageSchema>): void {
    let remote = remotes.get(state.node);
    const isNew = !remote;
    if (!remote) {
      remote = { lastSeen: Date.now(), startedAt: state.heartbeat?.startedAt ?? Date.now(), connections: {}, sessions: new Map() };
      remotes.set(state.node, remote);
    }
    remote.lastSeen = Date.now();
    if (state.full) remote.sessions.clear();
    for (const session of state.upserts) {
      const known = remote.sessions.has(session.id);
      const row = { ...session, node: state.node };
      remote.sessions.set(session.id, row);
      if (!state.full) tellDirectory({ type: known ? 'updated' : 'added', session: row });
    }
    for (const id of state.removed) if (remote.sessions.delete(id) && !state.full) tellDirectory({ type: 'removed', id });
    if (state.connections) remote.connections = state.connections;
    if (state.heartbeat) {
      remote.stats = state.heartbeat.stats;
      remote.startedAt = state.heartbeat.startedAt;
      // A node we hear of for the first time, or whose count disagrees with ours (a lost message): read its hash.
      if ((isNew && !state.full) || state.heartbeat.sessions !== remote.sessions.size) void reread(state.node);
    }
    if (state.full) tellDirectory(undefined);
  }

  async function reread(id: string): Promise<void> {
    if (rereading.has(id)) return;
    rereading.add(id);
    try {
      await readNode(id);
      tellDirectory(undefined);
    } finally {
      rereading.delete(id);
    }
  }

  /** Drops nodes not heard from within the TTL (crashed, or cut off from Redis). */
  function prune(): void {
    const now = Date.now();
    let changed = false;
    for (const [id, remote] of remotes) {
      if (now - remote.lastSeen < ttlMs) continue;
      remotes.delete(id);
      changed = true;
      logger.info({ node: id, sessions: remote.sessions.size }, 'cluster: a node left (no heartbeat); its sessions leave the list');
    }
    if (changed) tellDirectory(undefined);
  }

  function onCommand(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const command = commandSchema.safeParse(parsed);
    if (!command.success) return;
    if (command.data.kind === 'kick-result') {
      pendingCommands.get(command.data.requestId)?.(command.data.kicked);
      return;
    }
    const { from, requestId, id, reason } = command.data;
    const kicked = options.sessions.kick(id, reason);
    if (kicked) logger.info({ session: id, reason, from }, 'the admin of another node closed a session');
    const link = connection;
    if (link)
      void quietly('kick result', () => link.client.publish(key('cmd', from), JSON.stringify({ kind: 'kick-result', requestId, kicked })));
  }

  // ---- the admin's directory ----
  const directory: ClusterDirectory = {
    list() {
      const rows = options.sessions.list().map(withNode);
      for (const [, remote] of liveRemotes()) rows.push(...remote.sessions.values());
      return rows;
    },
    async kick(id, reason) {
      if (options.sessions.kick(id, reason)) return true;
      const owner = liveRemotes().find(([, remote]) => remote.sessions.has(id));
      if (!owner) return false;
      const [target] = owner;
      const link = connection;
      if (!ready() || !link)
        throw new ClusterError(
          'CLUSTER_DEGRADED',
          `That session is on node ${target}, and this node cannot reach the cluster's Redis right now. Try again from ${target}'s own admin view, or once Redis is back.`,
        );
      const requestId = randomUUID();
      const answer = new Promise<boolean | 'timeout'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), commandTimeoutMs);
        timer.unref?.();
        pendingCommands.set(requestId, (kicked) => {
          clearTimeout(timer);
          resolve(kicked);
        });
      });
      try {
        const listeners = await quietly('kick', () =>
          link.client.publish(
            key('cmd', target),
            JSON.stringify({ kind: 'kick', from: nodeId, requestId, id, ...(reason ? { reason } : {}) }),
          ),
        );
        if (listeners === undefined)
          throw new ClusterError(
            'CLUSTER_DEGRADED',
            `That session is on node ${target}, and this node lost the cluster's Redis while asking. Try again in a moment.`,
          );
        if (listeners === 0)
          throw new ClusterError(
            'NODE_GONE',
            `That session is on node ${target}, which is no longer in the cluster (stopped or crashed): the session ended with it and leaves this list within ${Math.ceil(ttlMs / 1000)} s.`,
          );
        const kicked = await answer;
        if (kicked === 'timeout')
          throw new ClusterError(
            'NODE_UNREACHABLE',
            `Node ${target} did not answer within ${Math.ceil(commandTimeoutMs / 1000)} s. It may be overloaded or stopping; try again.`,
          );
        return kicked;
      } finally {
        pendingCommands.delete(requestId);
      }
    },
    subscribe(listener) {
      directoryListeners.add(listener);
      return () => directoryListeners.delete(listener);
    },
    stats() {
      const all = [options.sessions.stats()];
      for (const [, remote] of liveRemotes()) if (remote.stats) all.push(remote.stats);
      if (all.length === 1) return all[0]!;
      const merged = mergeStats(all);
      // Open sessions as the list has them (changes arrive at once; the counters ride on heartbeats).
      const rows = directory.list();
      merged.active = rows.length;
      merged.authenticated = rows.filter((row) => row.authenticated).length;
      merged.peak = Math.max(merged.peak, merged.active);
      return merged;
    },
  };

  // ---- shared failure counters ----
  const limiters: Array<{
    name: string;
    limit: AttemptLimit;
    memory: RateLimiterMemory;
    shared?: AttemptLimiter;
    fallback: AttemptLimiter;
  }> = [];
  const makeShared = (entry: (typeof limiters)[number], link: RedisConnection): AttemptLimiter =>
    createAttemptLimiter(
      entry.limit,
      new RateLimiterRedis({
        storeClient: link.client,
        keyPrefix: link.key('limit', entry.name),
        points: entry.limit.maxFailures,
        duration: Math.max(1, Math.ceil(entry.limit.windowMs / 1000)),
        // Redis away: count on this node (rate-limiter-flexible's insurance), never fail open or throw.
        insuranceLimiter: entry.memory,
        rejectIfRedisNotReady: true,
      }),
    );

  return {
    get nodeId() {
      return nodeId;
    },
    prefix,
    status: () => (stopped || !connection ? 'connecting' : connection.status()),
    health() {
      const status = stopped || !connection ? 'connecting' : connection.status();
      const nodes = [nodeId, ...(status === 'ready' ? liveRemotes().map(([id]) => id) : [])].sort();
      const where = redactRedisUrl(options.url);
      const detail =
        status === 'ready'
          ? `${nodes.length} node${nodes.length === 1 ? '' : 's'} on Redis at ${where}`
          : status === 'degraded'
            ? `degraded: Redis at ${where} is unreachable; serving this node's sessions with node-local limits until it is back`
            : `connecting to Redis at ${where}`;
      return { running: status === 'ready', detail, node: nodeId, nodes };
    },
    directory,
    connections,
    attemptLimiter(name, limit) {
      const memory = new RateLimiterMemory({ points: limit.maxFailures, duration: Math.max(1, Math.ceil(limit.windowMs / 1000)) });
      const entry: (typeof limiters)[number] = { name, limit, memory, fallback: createAttemptLimiter(limit, memory) };
      if (connection) entry.shared = makeShared(entry, connection);
      limiters.push(entry);
      return {
        blockedFor: (address) => (entry.shared ?? entry.fallback).blockedFor(address),
        fail: (address) => (entry.shared ?? entry.fallback).fail(address),
      };
    },
    connection: () => connection,
    async publish(message) {
      const link = connection;
      if (!ready() || !link) return;
      await quietly(`publish ${message.kind}`, () => link.client.publish(key('bus'), JSON.stringify({ ...message, node: nodeId })));
    },
    onMessage(kind, listener) {
      const set = messageListeners.get(kind) ?? new Set();
      set.add(listener);
      messageListeners.set(kind, set);
      return () => set.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    async start() {
      if (connection) return;
      nodeId = options.nodeId();
      const link = connectRedis({
        url: options.url,
        prefix,
        nodeId,
        ...(options.maxReconnectDelayMs !== undefined ? { maxReconnectDelayMs: options.maxReconnectDelayMs } : {}),
        log: (level, message) => (level === 'warn' ? logger.warn(message) : logger.info(message)),
      });
      connection = link;
      for (const entry of limiters) entry.shared = makeShared(entry, link);
      link.subscriber.on('message', (channel: string, raw: string) => {
        if (channel === key('bus')) onBus(raw);
        else if (channel === key('cmd', nodeId)) onCommand(raw);
      });
      link.subscriber
        .subscribe(key('bus'), key('cmd', nodeId))
        .catch((error: unknown) => logger.debug({ err: error }, 'cluster: subscribe failed (retried on reconnect)'));
      stopLocal = options.sessions.subscribe((change) => {
        if (change.type === 'removed') {
          dirty.delete(change.id);
          removed.add(change.id);
          tellDirectory({ type: 'removed', id: change.id });
        } else {
          const row = withNode(change.session);
          removed.delete(row.id);
          dirty.set(row.id, row);
          tellDirectory({ type: change.type, session: row });
        }
        scheduleFlush();
      });
      stopStatus = link.onStatus((status) => {
        if (status === 'ready') void resync();
        else tellDirectory(undefined);
      });
      heartbeatTimer = setInterval(() => {
        prune();
        void flush(true);
      }, heartbeatMs);
      heartbeatTimer.unref?.();
      logger.info({ node: nodeId, redis: redactRedisUrl(options.url), prefix }, 'cluster mode: joining');
      // Wait for the first sync (or the first failure): a node that accepts teammates already counts in the cluster.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.joinTimeoutMs ?? 5000);
        timer.unref?.();
        resyncListeners.add(done);
        const stopWaitingStatus = link.onStatus((status) => {
          if (status === 'degraded') done();
        });
        function done(): void {
          clearTimeout(timer);
          resyncListeners.delete(done);
          stopWaitingStatus();
          resolve();
        }
        // Ready already (a fast Redis), before the status listener was attached.
        if (link.status() === 'ready') void resync();
        else if (link.status() === 'degraded') done();
      });
    },
    async stop() {
      if (stopped) return;
      const link = connection;
      // Publish the last changes (the sessions this node ended) and say goodbye, so the others drop this node at once.
      if (link && ready()) {
        await flush(false);
        await quietly('leave', () =>
          link.client
            .multi()
            .del(key('node', nodeId), key('sessions', nodeId))
            .publish(key('bus'), JSON.stringify({ kind: 'bye', node: nodeId }))
            .exec(),
        );
      }
      stopped = true;
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      if (flushTimer) clearTimeout(flushTimer);
      stopLocal?.();
      stopStatus?.();
      directoryListeners.clear();
      await link?.close();
    },
  };
}

function parseJson<T>(schema: z.ZodType<T>, raw: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every key matching `pattern` (SCAN, never KEYS: a shared Redis must not block). */
async function scanKeys(link: RedisConnection, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await link.client.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}
