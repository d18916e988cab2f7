/**
 * `npm run bench -- [options]`: see `benchUsage` in `lib/args.ts` (a bad option stops with exit code 2).
 *
 * Measures the gateway on loopback beside baselines taken in the same run, prints one table and
 * writes bench/results.json. Sections: 1 query overhead, 2 capacity, 3 MCP transports, 4 cost, 5 tool economy,
 * 6 MCP under concurrency, 7 start-up, 8 page weight, 9 cluster (Redis beside memory mode).
 * Every loop is bounded in count and time; helper processes are stopped at the end.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import { benchUsage, BenchUsageError, parseBenchArgs, type BenchArgs } from './lib/args';
import { round } from './lib/stats';
import { runCapacitySection, type CapacityResult } from './sections/capacity';
import type { ClusterResult } from './sections/cluster';
import { runCostSection, type CostResult } from './sections/cost';
import { runMcpSection, type McpResult } from './sections/mcp';
import type { McpLoadResult } from './sections/mcpLoad';
import { runOverheadSection, type OverheadResult } from './sections/overhead';
import type { PagesResult } from './sections/pages';
import type { StartupResult } from './sections/startup';
import type { ToolEconomyResult } from './sections/toolEconomy';

/** The issue's targets on a 2-core machine. */
export const targets = {
  gatewayCpuPerQueryVsClientWork: 1.5,
  /** Issue 18 §1: gateway MCP CPU per call at 32 callers ÷ at 1 caller. */
  mcpCpuPerCallHighVsOne: 1.3,
  /** Issue 18 §1: bare SDK calls/s ÷ gateway calls/s at 32 callers (gateway ≥ 0.8× bare). */
  mcpBareVsGatewayThroughput: 1 / 0.8,
  /** Issue 18 §3: start to /healthz of `npm run serve` ÷ today's tsx entry. */
  startupVsSourceEntry: 0.4,
  /** Issue 18 §4: initial JS per page, gzip bytes. */
  initialJsGzipBytes: { 'web chat (/)': 130_000, 'browser admin (/admin)': 150_000, 'desktop renderer': 200_000 } as Record<string, number>,
  bytesPerIdleSession: 64 * 1024,
  /** Issue 18 §5: RSS / heap per idle session at the largest count ÷ a bare `ws` server's per connection. */
  idleSessionRssVsBareWs: 1.5,
  idleSessionHeapVsBareWs: 2,
  /** Issue 18 §2: gateway CPU per sign-in ÷ a bare `ws` server making the same `/me` request. */
  signInCpuVsBare: 1.5,
  /** Issue 18 §5: (b)'s CPU per streamed Messages API request, lean fetch, ms. */
  clientCpuPerModelRequestMs: 0.5,
  /** Issue 18 §5 (was 0.2 ms). */
  inProcessToolCallP50Ms: 0.1,
  cachedVsUncachedBilledInput: 0.3,
  /** Issue 14: gateway CPU per query as a cluster node on Redis ÷ in memory mode. */
  clusterCpuPerQueryVsMemory: 1.2,
};

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n${benchUsage}\n`);
  process.exit(2);
}
const { clients, sections, seconds, compose, gatewayFetch } = args;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Row {
  section: string;
  metric: string;
  value: string;
  baseline?: string;
  ratio?: string;
  target?: string;
  met?: boolean;
}
const rows: Row[] = [];
const results: {
  startedAt: string;
  machine: { cpus: number; model: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  options: Record<string, unknown>;
  overhead?: OverheadResult;
  capacity?: CapacityResult;
  mcp?: McpResult;
  cost?: CostResult;
  toolEconomy?: ToolEconomyResult;
  mcpLoad?: McpLoadResult;
  startup?: StartupResult;
  pages?: PagesResult;
  cluster?: ClusterResult;
  targets: typeof targets;
  verdicts: Array<{ target: string; value: number; limit: number; met: boolean }>;
} = {
  startedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version, loadAverageAtStart: loadavg() },
  options: { clients, seconds, sections: [...sections], gateway: compose, gatewayFetch, sessions: args.sessions.join(',') },
  targets,
  verdicts: [],
};
const verdict = (target: string, value: number, limit: number): boolean => {
  const met = value <= limit;
  results.verdicts.push({ target, value, limit, met });
  return met;
};
const ms = (value: number): string => `${round(value, value < 1 ? 3 : 2)} ms`;
const kib = (bytes: number): string => `${round(bytes / 1024, 1)} KiB`;

if (sections.has('1')) {
  log(`§1 query overhead: ${clients} clients, ${seconds} s, gateway ${compose}…`);
  const o = await runOverheadSection(
    { clients, warmupMs: Math.min(5000, seconds * 500), measureMs: seconds * 1000, clientWorkIterations: 800, compose, gatewayFetch, ...(args.profile ? { profileDir: args.profile } : {}) },
    log,
  );
  results.overhead = o;
  const builtin = o.clientWork.find((entry) => entry.fetch === 'global');
  const lean = o.clientWork.find((entry) => entry.fetch === 'lean');
  const same = o.clientWork.find((entry) => entry.fetch === o.gateway.fetch);
  const cap = Number.isFinite(o.gateway.pacingCapPerSecond) ? `, pacing cap ${round(o.gateway.pacingCapPerSecond, 0)}/s` : '';
  rows.push({ section: '1 overhead', metric: `queries/s (${o.clients} clients, ${o.gateway.queries} queries, ${o.gateway.errors} errors${cap})`, value: String(round(o.gateway.queriesPerSecond, 1)), baseline: `echo ${round(o.echo.perSecond, 0)}/s` });
  rows.push({ section: '1 overhead', metric: 'query latency p50 / p95 / p99', value: `${ms(o.gateway.latency.p50)} / ${ms(o.gateway.latency.p95)} / ${ms(o.gateway.latency.p99)}`, baseline: `echo ${ms(o.echo.latency.p50)} / ${ms(o.echo.latency.p95)} / ${ms(o.echo.latency.p99)}` });
  if (builtin && lean) {
    rows.push({ section: '1 overhead', metric: '(b) client work CPU/query: built-in fetch → lean fetch', value: ms(lean.cpuMsPerQuery), baseline: ms(builtin.cpuMsPerQuery), ratio: `${round(lean.cpuMsPerQuery / builtin.cpuMsPerQuery, 2)}×` });
    rows.push({
      section: '1 overhead',
      metric: '(b) bare client CPU per model request (SDK, streamed), built-in fetch → lean fetch',
      value: ms(lean.cpuMsPerModelRequest),
      baseline: ms(builtin.cpuMsPerModelRequest),
      ratio: `${round(lean.cpuMsPerModelRequest / builtin.cpuMsPerModelRequest, 2)}×`,
      target: `≤ ${targets.clientCpuPerModelRequestMs} ms`,
      met: verdict('bare client CPU per model request (ms)', lean.cpuMsPerModelRequest, targets.clientCpuPerModelRequestMs),
    });
    rows.push({ section: '1 overhead', metric: '(b) runs before / after the gateway run (lean; built-in)', value: `${lean.cpuMsPerQueryRuns.map((v) => ms(v)).join(' / ')}; ${builtin.cpuMsPerQueryRuns.map((v) => ms(v)).join(' / ')}` });
  }
  rows.push({ section: '1 overhead', metric: '(a) ws echo server CPU/round trip', value: ms(o.echo.cpuMsPerRoundTrip) });
  rows.push({
    section: '1 overhead',
    metric: `gateway CPU/query (${compose === 'core' ? 'createCore' : `parts, ${gatewayFetch} fetch`}) vs (b) with the agent's fetch`,
    value: ms(o.gateway.cpuMsPerQuery),
    baseline: same ? ms(same.cpuMsPerQuery) : '?',
    ratio: `${round(o.ratioToClientWork, 2)}×`,
    target: `≤ ${targets.gatewayCpuPerQueryVsClientWork}×`,
    met: verdict('gateway CPU/query ÷ (b)', o.ratioToClientWork, targets.gatewayCpuPerQueryVsClientWork),
  });
  rows.push({ section: '1 overhead', metric: 'gateway CPU/query vs (b) built-in fetch', value: ms(o.gateway.cpuMsPerQuery), baseline: builtin ? ms(builtin.cpuMsPerQuery) : '?', ratio: `${round(o.ratioToClientWorkBuiltinFetch, 2)}×` });
  rows.push({ section: '1 overhead', metric: 'gateway CPU/query vs (a) echo', value: ms(o.gateway.cpuMsPerQuery), baseline: ms(o.echo.cpuMsPerRoundTrip), ratio: `${round(o.ratioToEcho, 0)}×` });
}

if (sections.has('2')) {
  const counts = args.sessions;
  log(`§2 capacity: ${counts.join(', ')} idle authenticated sessions, a bare ws server + /me beside the gateway…`);
  const c = await runCapacitySection(counts, log, compose, args.profile);
  results.capacity = c;
  for (const point of c.points) {
    const last = point === c.points.at(-1);
    const bare = c.bare.points.find((entry) => entry.sessions === point.sessions);
    const rssRatio = bare ? point.rssBytesPerSession / bare.rssBytesPerSession : Number.NaN;
    const heapRatio = bare ? point.heapBytesPerSession / bare.heapBytesPerSession : Number.NaN;
    rows.push({
      section: '2 capacity',
      metric: `RSS per idle session at ${point.sessions} vs a bare ws connection`,
      value: kib(point.rssBytesPerSession),
      baseline: bare ? `bare ws ${kib(bare.rssBytesPerSession)}` : '?',
      ratio: `${round(rssRatio, 2)}×`,
      target: last ? `≤ ${targets.idleSessionRssVsBareWs}× (and ≤ 64 KiB)` : undefined,
      met: last ? verdict(`RSS per idle session ÷ bare ws at ${point.sessions}`, rssRatio, targets.idleSessionRssVsBareWs) && verdict(`RSS per idle session at ${point.sessions}`, point.rssBytesPerSession, targets.bytesPerIdleSession) : undefined,
    });
    rows.push({
      section: '2 capacity',
      metric: `heap per idle session at ${point.sessions} vs a bare ws connection`,
      value: kib(point.heapBytesPerSession),
      baseline: bare ? `bare ws ${kib(bare.heapBytesPerSession)}` : '?',
      ratio: `${round(heapRatio, 2)}×`,
      target: last ? `≤ ${targets.idleSessionHeapVsBareWs}×` : undefined,
      met: last ? verdict(`heap per idle session ÷ bare ws at ${point.sessions}`, heapRatio, targets.idleSessionHeapVsBareWs) : undefined,
    });
    rows.push({ section: '2 capacity', metric: `connect + sign-in rate (to ${point.sessions})`, value: `${round(point.signIn.perSecond, 0)}/s`, baseline: bare ? `bare ws + /me ${round(bare.signIn.perSecond, 0)}/s` : '?' });
    const signInRatio = bare ? point.signIn.cpuMsPerSignIn / bare.signIn.cpuMsPerSignIn : Number.NaN;
    rows.push({
      section: '2 capacity',
      metric: `server CPU per sign-in (to ${point.sessions})`,
      value: ms(point.signIn.cpuMsPerSignIn),
      baseline: bare ? `bare ws + /me ${ms(bare.signIn.cpuMsPerSignIn)}` : '?',
      ratio: `${round(signInRatio, 2)}×`,
      target: last ? `≤ ${targets.signInCpuVsBare}×` : undefined,
      met: last ? verdict(`sign-in CPU ÷ bare ws + /me (to ${point.sessions})`, signInRatio, targets.signInCpuVsBare) : undefined,
    });
  }
}

if (sections.has('3')) {
  log('§3 MCP transports…');
  const m = await runMcpSection(args.mcpCalls);
  results.mcp = m;
  const line = (timing: McpResult['inProcess']): string => `${ms(timing.p50)} / ${ms(timing.p95)}`;
  rows.push({
    section: '3 MCP',
    metric: `${m.tool} in-process p50 / p95`,
    value: line(m.inProcess),
    target: `p50 ≤ ${targets.inProcessToolCallP50Ms} ms`,
    met: verdict('in-process tool call p50 (ms)', m.inProcess.p50, targets.inProcessToolCallP50Ms),
  });
  rows.push({ section: '3 MCP', metric: `${m.tool} Streamable HTTP, JSON p50 / p95`, value: line(m.httpJson), baseline: `in-process ${ms(m.inProcess.p50)}`, ratio: `${round(m.httpJson.p50 / m.inProcess.p50, 1)}×` });
  rows.push({ section: '3 MCP', metric: `${m.tool} Streamable HTTP, SSE p50 / p95`, value: line(m.httpSse), baseline: `JSON ${ms(m.httpJson.p50)}`, ratio: `${round(m.httpSse.p50 / m.httpJson.p50, 2)}×` });
  rows.push({
    section: '3 MCP',
    metric: `${m.tool} CPU/call (client + server), in-process / JSON / SSE`,
    value: `${ms(m.inProcess.cpuMsPerCall)} / ${ms(m.httpJson.cpuMsPerCall)} / ${ms(m.httpSse.cpuMsPerCall)}`,
  });
  rows.push({ section: '3 MCP', metric: 'MCP servers built by the HTTP endpoint, JSON / SSE run', value: `${m.httpJson.serversBuilt} / ${m.httpSse.serversBuilt}`, baseline: `${m.calls} calls + warm-up each` });
}

if (sections.has('4')) {
  log('§4 cost…');
  const k = await runCostSection();
  results.cost = k;
  rows.push({ section: '4 cost', metric: `tool list (${k.toolCount} tools) / system prompt, tokens`, value: `${k.toolListTokens} / ${k.systemPromptTokens}` });
  rows.push({
    section: '4 cost',
    metric: `${k.turns}-turn conversation, billed input (token equivalents)`,
    value: `${round(k.cached.billedInputEquivalent, 0)} cached`,
    baseline: `${k.uncached.billedInputEquivalent} uncached`,
    ratio: `${round(k.ratio * 100, 1)}%`,
    target: `≤ ${targets.cachedVsUncachedBilledInput * 100}%`,
    met: verdict('cached ÷ uncached billed input', k.ratio, targets.cachedVsUncachedBilledInput),
  });
  rows.push({ section: '4 cost', metric: 'cached run: input / cache write / cache read tokens', value: `${k.cached.inputTokens} / ${k.cached.cacheWriteTokens} / ${k.cached.cacheReadTokens}` });
}

if (sections.has('5')) {
  // Loaded on demand like 6–8 (the tokenizer's tables are large).
  const { runToolEconomySection } = await import('./sections/toolEconomy');
  const { toolEconomyRows } = await import('./sections/toolEconomyRows');
  const t = await runToolEconomySection(log);
  results.toolEconomy = t;
  for (const { verdict: check, ...row } of toolEconomyRows(t)) rows.push(check ? { ...row, met: verdict(check.target, check.value, check.limit) } : row);
}

if (sections.has('6')) {
  log(`§6 MCP port under concurrency: 1 and ${args.mcpConcurrency} callers, gateway beside a bare SDK server…`);
  // Sections 6–8 load on demand, so a bad flag is answered before any of them is compiled.
  const { runMcpLoadSection } = await import('./sections/mcpLoad');
  const m = await runMcpLoadSection({ concurrency: args.mcpConcurrency, seconds: Math.min(seconds, 5) }, log);
  results.mcpLoad = m;
  for (const concurrency of [1, args.mcpConcurrency]) {
    const g = m.points.find((p) => p.kind === 'gateway' && p.concurrency === concurrency);
    const b = m.points.find((p) => p.kind === 'bare' && p.concurrency === concurrency);
    if (!g || !b) continue;
    rows.push({ section: '6 MCP load', metric: `${m.tool} calls/s at ${concurrency} caller(s) (${g.errors + b.errors} errors)`, value: String(round(g.perSecond, 0)), baseline: `bare SDK ${round(b.perSecond, 0)}`, ratio: `${round(g.perSecond / b.perSecond, 2)}×` });
    rows.push({ section: '6 MCP load', metric: `server CPU/call at ${concurrency} caller(s)`, value: ms(g.serverCpuMsPerCall), baseline: `bare SDK ${ms(b.serverCpuMsPerCall)}`, ratio: `${round(g.serverCpuMsPerCall / b.serverCpuMsPerCall, 2)}×` });
    rows.push({ section: '6 MCP load', metric: `p50 / p95 latency at ${concurrency} caller(s)`, value: `${ms(g.p50)} / ${ms(g.p95)}`, baseline: `bare SDK ${ms(b.p50)} / ${ms(b.p95)}` });
    rows.push({ section: '6 MCP load', metric: `MCP servers built per call at ${concurrency} caller(s)`, value: String(round(g.serversBuiltPerCall, 3)), baseline: 'bare SDK 1' });
  }
  rows.push({
    section: '6 MCP load',
    metric: `gateway CPU/call at ${args.mcpConcurrency} callers ÷ at 1`,
    value: `${round(m.cpuRatioHighVsOne, 2)}×`,
    target: `≤ ${targets.mcpCpuPerCallHighVsOne}×`,
    met: verdict('MCP CPU/call high ÷ one caller', m.cpuRatioHighVsOne, targets.mcpCpuPerCallHighVsOne),
  });
  rows.push({
    section: '6 MCP load',
    metric: `gateway throughput ÷ bare SDK at ${args.mcpConcurrency} callers`,
    value: `${round(m.throughputVsBare, 2)}×`,
    target: '≥ 0.8×',
    met: verdict('bare SDK ÷ gateway MCP throughput', 1 / m.throughputVsBare, targets.mcpBareVsGatewayThroughput),
  });
  rows.push({ section: '6 MCP load', metric: 'tools/list server CPU/call (1 caller)', value: ms(m.toolsListCpuMs) });
}

if (sections.has('7')) {
  log('§7 start-up: serve (no key, no sandbox) to the first /healthz answer, source entry vs the server build…');
  const { runStartupSection } = await import('./sections/startup');
  const st = await runStartupSection(5, log);
  results.startup = st;
  rows.push({
    section: '7 start-up',
    metric: 'start → /healthz, median of 5 (npm run serve = out/server/serve.js)',
    value: ms(st.built.medianMs),
    baseline: `tsx source ${ms(st.source.medianMs)}`,
    ratio: `${round(st.ratio, 2)}×`,
    target: `≤ ${targets.startupVsSourceEntry}×`,
    met: verdict('start-up built ÷ source entry', st.ratio, targets.startupVsSourceEntry),
  });
  rows.push({ section: '7 start-up', metric: 'RSS at the first /healthz answer', value: `${round(st.built.medianRssMiB, 0)} MiB`, baseline: `tsx source ${round(st.source.medianRssMiB, 0)} MiB` });
}

if (sections.has('8')) {
  log('§8 page weight: initial JS per page, the chat page in Chromium…');
  const { runPagesSection } = await import('./sections/pages');
  const pg = await runPagesSection(5, log);
  results.pages = pg;
  for (const weight of pg.weights) {
    const limit = targets.initialJsGzipBytes[weight.page];
    rows.push({
      section: '8 pages',
      metric: `${weight.page}: initial JS (${weight.files.length} files), gzip`,
      value: `${round(weight.gzipBytes / 1000, 1)} KB`,
      baseline: `${round(weight.rawBytes / 1000, 0)} KB raw`,
      ...(limit ? { target: `≤ ${limit / 1000} KB`, met: verdict(`${weight.page} initial JS gzip (bytes)`, weight.gzipBytes, limit) } : {}),
    });
  }
  if (pg.chat) {
    rows.push({ section: '8 pages', metric: 'chat page: navigation → sign-in form takes input (median of 5, cold)', value: ms(pg.chat.compressed.medianMs), baseline: `uncompressed ${ms(pg.chat.identity.medianMs)}`, ratio: `${round(pg.chat.compressed.medianMs / pg.chat.identity.medianMs, 2)}×` });
    rows.push({ section: '8 pages', metric: 'chat page: bytes transferred', value: `${round(pg.chat.compressed.transferBytes / 1000, 1)} KB`, baseline: `uncompressed ${round(pg.chat.identity.transferBytes / 1000, 1)} KB` });
  } else rows.push({ section: '8 pages', metric: 'chat page in Chromium', value: `not measured: ${pg.chatError ?? '?'}` });
}

if (sections.has('9')) {
  log(`§9 cluster: ${clients} clients on a gateway in memory mode, then as a cluster node on Redis, then in memory mode again…`);
  const { runClusterSection } = await import('./sections/cluster');
  try {
    const cl = await runClusterSection({ clients, warmupMs: Math.min(5000, seconds * 500), measureMs: seconds * 1000 }, log);
    results.cluster = cl;
    const onRedis = cl.runs.find((run) => run.mode === 'redis');
    rows.push({ section: '9 cluster', metric: `sign-ins/s (${clients} clients, 50 at a time, resume on)`, value: String(round(cl.redisSignInPerSecond, 1)), baseline: `memory ${round(cl.memorySignInPerSecond, 1)}/s`, ratio: `${round(cl.redisSignInPerSecond / cl.memorySignInPerSecond, 2)}×` });
    rows.push({ section: '9 cluster', metric: `queries/s, latency p50 on Redis (${onRedis?.queries ?? 0} queries, ${onRedis?.errors ?? 0} errors)`, value: `${round((onRedis?.queries ?? 0) / (onRedis?.seconds ?? 1), 1)}/s, ${ms(onRedis?.latency.p50 ?? 0)}` });
    rows.push({ section: '9 cluster', metric: 'memory-mode gateway CPU/query, runs before / after', value: cl.runs.filter((run) => run.mode === 'memory').map((run) => ms(run.cpuMsPerQuery)).join(' / ') });
    if (onRedis?.redisCpuMsPerQuery !== undefined) rows.push({ section: '9 cluster', metric: "redis-server's own CPU/query", value: ms(onRedis.redisCpuMsPerQuery) });
    rows.push({
      section: '9 cluster',
      metric: 'gateway CPU/query as a cluster node on Redis vs memory mode',
      value: ms(cl.redisCpuMsPerQuery),
      baseline: ms(cl.memoryCpuMsPerQuery),
      ratio: `${round(cl.cpuRatio, 2)}×`,
      target: `≤ ${targets.clusterCpuPerQueryVsMemory}×`,
      met: verdict('cluster gateway CPU/query ÷ memory mode', cl.cpuRatio, targets.clusterCpuPerQueryVsMemory),
    });
  } catch (error) {
    rows.push({ section: '9 cluster', metric: 'Redis beside memory mode', value: `not measured: ${(error as Error).message}` });
  }
}

const headers = ['section', 'metric', 'value', 'baseline', 'ratio', 'target', ''];
const table = rows.map((row) => [row.section, row.metric, row.value, row.baseline ?? '', row.ratio ?? '', row.target ?? '', row.met === undefined ? '' : row.met ? 'met' : 'MISSED']);
const widths = headers.map((header, i) => Math.max(header.length, ...table.map((cells) => (cells[i] ?? '').length)));
const format = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
process.stdout.write(`\n${format(headers)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n${table.map(format).join('\n')}\n`);
results.machine.loadAverageAtEnd = loadavg();
const load = (values: number[] | undefined): string => (values ?? []).map((value) => round(value, 2)).join(' ');
process.stdout.write(
  `\n${results.machine.cpus} × ${results.machine.model}, Node ${results.machine.node}. Loopback only; sandbox and fake Anthropic at zero latency.\n` +
    `Load average at start ${load(results.machine.loadAverageAtStart)}, at end ${load(results.machine.loadAverageAtEnd)}: CPU-per-query figures drift when other work shares the cores.\n`,
);
const out = fileURLToPath(new URL('./results.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`Wrote ${out}\n`);
process.exit(0);
