import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';

import { startChild, type BenchChild } from '../lib/child';
import { type Latency } from '../lib/stats';
import type { Recipe } from '../procs/clientWork';

/** Options of {@link runOverheadSection}. */
export interface OverheadOptions {
  clients: number;
  warmupMs: number;
  measureMs: number;
  /** Iterations of baseline (b). */
  clientWorkIterations: number;
  /** `core`: the product's createCore; `parts`: the same parts composed by hand with `gatewayFetch`. */
  compose: 'core' | 'parts';
  /** `fetch` the gateway's agent and Tallyfy clients use (`parts` only; createCore uses the lean fetch for the agent). */
  gatewayFetch: 'lean' | 'global';
  /** Write a CPU profile of the gateway (and of (b)) into this directory. */
  profileDir?: string;
}

interface CpuUsage {
  user: number;
  system: number;
}

/** Baseline (b) for one `fetch`. */
export interface ClientWork {
  fetch: 'lean' | 'global';
  iterations: number;
  cpuMsPerQuery: number;
  /** The model requests alone: CPU per streamed Messages API request (SDK + fetch), mean of the two runs. */
  cpuMsPerModelRequest: number;
  wallMsPerQuery: number;
  latency: Latency;
  /** CPU per query of the run before and the run after the gateway measurement (their mean is `cpuMsPerQuery`). */
  cpuMsPerQueryRuns: number[];
}

/** Section 1 result. */
export interface OverheadResult {
  clients: number;
  signIn: { connected: number; ms: number; perSecond: number };
  gateway: {
    compose: 'core' | 'parts';
    fetch: 'lean' | 'global';
    /** Most queries/s the pacing allows (clients × 1000 / minIntervalMs); Infinity when unpaced. */
    pacingCapPerSecond: number;
    queries: number;
    errors: number;
    seconds: number;
    queriesPerSecond: number;
    latency: Latency;
    cpuMsPerQuery: number;
  };
  echo: { roundTrips: number; seconds: number; perSecond: number; latency: Latency; cpuMsPerRoundTrip: number };
  clientWork: ClientWork[];
  /** Gateway CPU per query ÷ (b) CPU per query, (b) with the same fetch as the gateway. */
  ratioToClientWork: number;
  /** Gateway CPU per query ÷ (b) with the built-in fetch (the SDK's default). */
  ratioToClientWorkBuiltinFetch: number;
  /** Gateway CPU per query ÷ echo CPU per round trip. */
  ratioToEcho: number;
  recipe: { tool: string; messageBytes: [number, number]; tallyfyPath: string };
}

const cpuMs = (from: CpuUsage, to: CpuUsage): number => (to.user - from.user + (to.system - from.system)) / 1000;

interface ServersReady {
  anthropicUrl: string;
  sandboxUrl: string;
}

/**
 * Section 1: N clients sending sequential queries (one tool call, two model rounds each, `clear`
 * after each so every query sends the same requests) through the whole stack in a separate gateway
 * process; beside it (a) a bare `ws` echo at the same concurrency and (b) the bare client work.
 */
export async function runOverheadSection(options: OverheadOptions, log: (line: string) => void): Promise<OverheadResult> {
  const children: BenchChild[] = [];
  try {
    const servers = await startChild<ServersReady>('servers');
    children.push(servers);
    const { anthropicUrl, sandboxUrl } = servers.ready;
    const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
    const gateway = await startChild<{ url: string }>('gateway', {
      args: ['--anthropic', anthropicUrl, '--sandbox', sandboxUrl, '--compose', options.compose, '--fetch', options.gatewayFetch],
      execArgv: profile,
    });
    children.push(gateway);
    const load = await startChild('load');
    children.push(load);

    // One query from one client, to capture exactly what a query sends upstream for (b).
    await load.call('connect', { url: gateway.ready.url, n: 1 });
    // The product limits a session to 5 messages/s (30 burst): pace each client to 2 queries (+ 2 clears) per ~0.45 s.
    const minIntervalMs = options.compose === 'core' ? 450 : 0;
    await load.call('run', { ms: 200, minIntervalMs });
    const captured = await servers.call<{
      messages: Array<Record<string, unknown>>;
      tallyfy: { method: string; path: string; query: string } | null;
    }>('capture');
    await load.call('close');
    const [round1, round2] = captured.messages;
    if (!round1 || !round2 || !captured.tallyfy)
      throw new Error('overhead: could not capture one query (is the demo responder calling a tool?)');
    const recipe: Recipe = {
      messages: [round1, round2],
      tallyfy: { ...captured.tallyfy, token: sandboxTokens.alice, orgId: sandboxOrgs.acme },
    };
    const toolUse = (
      (round2.messages as Array<{ content: unknown }>).at(-2)?.content as Array<{ type: string; name?: string }> | undefined
    )?.find((block) => block.type === 'tool_use');

    // (b) is measured before and after the gateway run and averaged, so drift in the machine's load hits both alike.
    const measureClientWork = async (fetch: 'lean' | 'global', when: string): Promise<Omit<ClientWork, 'fetch' | 'cpuMsPerQueryRuns'>> => {
      log(`  (b) client work, ${fetch} fetch (${when})…`);
      const worker = await startChild('clientWork', {
        args: ['--anthropic', anthropicUrl, '--sandbox', sandboxUrl, '--fetch', fetch],
        execArgv: options.profileDir && when === 'after' ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}/clientWork-${fetch}`] : [],
      });
      children.push(worker);
      const result = await worker.call<Omit<ClientWork, 'fetch' | 'cpuMsPerQueryRuns'>>('run', {
        recipe,
        iterations: options.clientWorkIterations,
        warmup: Math.min(300, options.clientWorkIterations),
      });
      await worker.stop();
      return result;
    };
    const clientWorkBefore = { global: await measureClientWork('global', 'before'), lean: await measureClientWork('lean', 'before') };

    log(`  signing in ${options.clients} clients…`);
    const signIn = await load.call<OverheadResult['signIn']>('connect', { url: gateway.ready.url, n: options.clients });
    log(`  warm-up ${options.warmupMs} ms…`);
    await load.call('run', { ms: options.warmupMs, minIntervalMs });
    log(`  measuring ${options.measureMs} ms…`);
    const before = await gateway.call<CpuUsage>('cpu');
    const run = await load.call<{ queries: number; errors: number; ms: number; latency: Latency }>('run', {
      ms: options.measureMs,
      minIntervalMs,
    });
    const after = await gateway.call<CpuUsage>('cpu');
    await load.call('close');
    const gatewayCpuPerQuery = cpuMs(before, after) / Math.max(1, run.queries);

    log('  (a) ws echo…');
    const echoServer = await startChild<{ url: string }>('echo');
    children.push(echoServer);
    const size = JSON.stringify({ type: 'query', content: 'What tasks do I have open?' }).length;
    await load.call('echo', { url: echoServer.ready.url, n: options.clients, ms: Math.min(2000, options.warmupMs), size });
    const echoBefore = await echoServer.call<CpuUsage>('cpu');
    const echo = await load.call<{ roundTrips: number; ms: number; latency: Latency }>('echo', {
      url: echoServer.ready.url,
      n: options.clients,
      ms: options.measureMs,
      size,
    });
    const echoAfter = await echoServer.call<CpuUsage>('cpu');

    const clientWorkAfter = { global: await measureClientWork('global', 'after'), lean: await measureClientWork('lean', 'after') };
    const clientWork: ClientWork[] = (['global', 'lean'] as const).map((fetch) => {
      const runs = [clientWorkBefore[fetch], clientWorkAfter[fetch]];
      const mean = (pick: (run: Omit<ClientWork, 'fetch' | 'cpuMsPerQueryRuns'>) => number): number =>
        runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
      return {
        fetch,
        iterations: runs.reduce((sum, run) => sum + run.iterations, 0),
        cpuMsPerQuery: mean((run) => run.cpuMsPerQuery),
        cpuMsPerModelRequest: mean((run) => run.cpuMsPerModelRequest),
        wallMsPerQuery: mean((run) => run.wallMsPerQuery),
        latency: clientWorkAfter[fetch].latency,
        cpuMsPerQueryRuns: runs.map((run) => run.cpuMsPerQuery),
      };
    });
    const agentFetch = options.compose === 'core' ? 'lean' : options.gatewayFetch;
    const same = clientWork.find((entry) => entry.fetch === agentFetch) as ClientWork;
    const builtin = clientWork.find((entry) => entry.fetch === 'global') as ClientWork;
    const echoCpu = cpuMs(echoBefore, echoAfter) / Math.max(1, echo.roundTrips);
    return {
      clients: options.clients,
      signIn,
      gateway: {
        compose: options.compose,
        pacingCapPerSecond: minIntervalMs > 0 ? (options.clients * 1000) / minIntervalMs : Infinity,
        fetch: options.compose === 'core' ? 'lean' : options.gatewayFetch,
        queries: run.queries,
        errors: run.errors,
        seconds: run.ms / 1000,
        queriesPerSecond: (run.queries / run.ms) * 1000,
        latency: run.latency,
        cpuMsPerQuery: gatewayCpuPerQuery,
      },
      echo: {
        roundTrips: echo.roundTrips,
        seconds: echo.ms / 1000,
        perSecond: (echo.roundTrips / echo.ms) * 1000,
        latency: echo.latency,
        cpuMsPerRoundTrip: echoCpu,
      },
      clientWork,
      ratioToClientWork: gatewayCpuPerQuery / same.cpuMsPerQuery,
      ratioToClientWorkBuiltinFetch: gatewayCpuPerQuery / builtin.cpuMsPerQuery,
      ratioToEcho: gatewayCpuPerQuery / echoCpu,
      recipe: {
        tool: toolUse?.name ?? '?',
        messageBytes: [JSON.stringify(round1).length, JSON.stringify(round2).length],
        tallyfyPath: captured.tallyfy.path,
      },
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
  }
}
