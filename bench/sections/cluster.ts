import { connectRedis } from '../../electron/core/cluster/redisConnection';
import { haveRedisServer, startRedisServer, type RedisServer } from '../../electron/core/cluster/testing/redisServer';
import { startChild, type BenchChild } from '../lib/child';
import type { Latency } from '../lib/stats';

/** Options of {@link runClusterSection}. */
export interface ClusterOptions {
  clients: number;
  warmupMs: number;
  measureMs: number;
}

/** One gateway run: memory mode or a cluster node on Redis. */
export interface ClusterModeRun {
  mode: 'memory' | 'redis';
  signIn: { connected: number; ms: number; perSecond: number };
  queries: number;
  errors: number;
  seconds: number;
  latency: Latency;
  cpuMsPerQuery: number;
  /** Redis's own CPU per query (INFO cpu), redis mode only. */
  redisCpuMsPerQuery?: number;
}

/** Section 9 result. */
export interface ClusterResult {
  clients: number;
  /** Memory mode before and after the Redis run (their mean is the baseline), then the Redis run. */
  runs: ClusterModeRun[];
  memoryCpuMsPerQuery: number;
  redisCpuMsPerQuery: number;
  /** Redis run's gateway CPU per query ÷ memory mode's (mean of the two runs). */
  cpuRatio: number;
  memorySignInPerSecond: number;
  redisSignInPerSecond: number;
}

interface CpuUsage {
  user: number;
  system: number;
}

const cpuMs = (from: CpuUsage, to: CpuUsage): number => (to.user - from.user + (to.system - from.system)) / 1000;

/** Redis's used CPU so far, ms (INFO cpu: used_cpu_sys + used_cpu_user, seconds). */
async function redisCpuMs(url: string): Promise<number> {
  const link = connectRedis({ url, nodeId: 'bench-reader' });
  try {
    const deadline = Date.now() + 5000;
    while (link.status() !== 'ready' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const info = await link.client.info('cpu');
    const value = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return (value('used_cpu_sys') + value('used_cpu_user')) * 1000;
  } finally {
    await link.close();
  }
}

/**
 * Section 9: the gateway as a cluster node on Redis beside memory mode, in one run. N clients that
 * negotiate `resume` (so the node keeps each conversation in Redis) sign in, then ask sequential
 * questions without `clear` (each turn appends to the kept conversation) for the measured window.
 * The gateway's CPU per query is compared with memory mode's, measured before and after the Redis
 * run (the mean is the baseline, so drift in the machine's load hits both alike). Sign-in rate
 * covers the WebSocket upgrade, Tallyfy's `/me` (the sandbox) and, on Redis, the node's writes.
 */
export async function runClusterSection(options: ClusterOptions, log: (line: string) => void): Promise<ClusterResult> {
  if (!haveRedisServer) throw new Error('redis-server is not installed (sudo apt-get install redis-server)');
  const children: BenchChild[] = [];
  let redis: RedisServer | undefined;
  try {
    const servers = await startChild<{ anthropicUrl: string; sandboxUrl: string }>('servers');
    children.push(servers);
    const { anthropicUrl, sandboxUrl } = servers.ready;
    redis = await startRedisServer();
    const load = await startChild('load');
    children.push(load);
    // The product limits a session to 5 messages/s: pace each client to one query per ~0.45 s.
    const minIntervalMs = 450;

    const measure = async (mode: 'memory' | 'redis'): Promise<ClusterModeRun> => {
      log(`  ${mode}: gateway up, ${options.clients} clients signing in…`);
      const gateway = await startChild<{ url: string }>('gateway', {
        args: ['--anthropic', anthropicUrl, '--sandbox', sandboxUrl, ...(mode === 'redis' ? ['--redis', redis!.url] : [])],
      });
      children.push(gateway);
      try {
        const signIn = await load.call<ClusterModeRun['signIn']>('connect', {
          url: gateway.ready.url,
          n: options.clients,
          extensions: ['resume'],
        });
        await load.call('run', { ms: options.warmupMs, minIntervalMs, clear: false });
        log(`  ${mode}: measuring ${options.measureMs} ms…`);
        const redisBefore = mode === 'redis' ? await redisCpuMs(redis!.url) : 0;
        const before = await gateway.call<CpuUsage>('cpu');
        const run = await load.call<{ queries: number; errors: number; ms: number; latency: Latency }>('run', {
          ms: options.measureMs,
          minIntervalMs,
          clear: false,
        });
        const after = await gateway.call<CpuUsage>('cpu');
        const redisAfter = mode === 'redis' ? await redisCpuMs(redis!.url) : 0;
        await load.call('close');
        const queries = Math.max(1, run.queries);
        return {
          mode,
          signIn,
          queries: run.queries,
          errors: run.errors,
          seconds: run.ms / 1000,
          latency: run.latency,
          cpuMsPerQuery: cpuMs(before, after) / queries,
          ...(mode === 'redis' ? { redisCpuMsPerQuery: (redisAfter - redisBefore) / queries } : {}),
        };
      } finally {
        await gateway.stop();
        children.splice(children.indexOf(gateway), 1);
      }
    };

    const memoryBefore = await measure('memory');
    const onRedis = await measure('redis');
    const memoryAfter = await measure('memory');
    const memoryCpu = (memoryBefore.cpuMsPerQuery + memoryAfter.cpuMsPerQuery) / 2;
    return {
      clients: options.clients,
      runs: [memoryBefore, onRedis, memoryAfter],
      memoryCpuMsPerQuery: memoryCpu,
      redisCpuMsPerQuery: onRedis.cpuMsPerQuery,
      cpuRatio: onRedis.cpuMsPerQuery / memoryCpu,
      memorySignInPerSecond: (memoryBefore.signIn.perSecond + memoryAfter.signIn.perSecond) / 2,
      redisSignInPerSecond: onRedis.signIn.perSecond,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop().catch(() => undefined)));
    await redis?.stop();
  }
}
