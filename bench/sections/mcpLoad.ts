import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startChild, type BenchChild } from '../lib/child';

/** One endpoint at one concurrency: its own CPU per call and the calls per second it served. */
export interface McpLoadPoint {
  kind: 'gateway' | 'bare';
  concurrency: number;
  calls: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  serverCpuMsPerCall: number;
  /** MCP servers the gateway built during the measured window, per call (the bare one builds one per call). */
  serversBuiltPerCall: number;
}

/** Issue 18 §1: the MCP port under concurrency, beside a bare SDK server in the same run. */
export interface McpLoadResult {
  tool: string;
  upstreamPath: string;
  points: McpLoadPoint[];
  /** Gateway CPU per `tools/list` call at one caller. */
  toolsListCpuMs: number;
  /** Gateway CPU per call at the highest concurrency ÷ at one caller. */
  cpuRatioHighVsOne: number;
  /** Gateway calls/s ÷ bare SDK calls/s at the highest concurrency. */
  throughputVsBare: number;
}

const headers = { authorization: `Bearer ${sandboxTokens.alice}`, 'x-tallyfy-org-id': sandboxOrgs.acme };
const call = (id: number): unknown => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'get_my_tasks', arguments: {} } });

async function measure(target: BenchChild & { ready: { url: string } }, load: BenchChild, body: unknown, concurrency: number, ms: number): Promise<Omit<McpLoadPoint, 'kind'>> {
  await load.call('run', { url: target.ready.url, headers, body, concurrency, ms: Math.min(1000, ms / 2) }); // warm-up
  const before = await target.call<{ cpuMs: number; serversBuilt: number }>('cpu');
  const run = await load.call<{ calls: number; errors: number; perSecond: number; p50: number; p95: number }>('run', { url: target.ready.url, headers, body, concurrency, ms });
  const after = await target.call<{ cpuMs: number; serversBuilt: number }>('cpu');
  const calls = Math.max(1, run.calls);
  return { concurrency, ...run, serverCpuMsPerCall: (after.cpuMs - before.cpuMs) / calls, serversBuiltPerCall: (after.serversBuilt - before.serversBuilt) / calls };
}

/**
 * Runs the MCP concurrency section: `get_my_tasks` against the sandbox (its own process, not
 * measured) from 1 and `concurrency` callers, on the gateway's endpoint and on a bare SDK server,
 * alternating so load drift hits both. Each window lasts `seconds`.
 */
export async function runMcpLoadSection(options: { concurrency: number; seconds: number }, log: (line: string) => void): Promise<McpLoadResult> {
  const servers = await startChild<{ sandboxUrl: string }>('servers');
  const load = await startChild('mcpLoad');
  const gateway = await startChild<{ url: string }>('mcpTarget', { args: ['--kind', 'gateway', '--tallyfy', servers.ready.sandboxUrl] });
  try {
    // The exact upstream request the gateway's tool makes, so the bare server makes the same one.
    await load.call('run', { url: gateway.ready.url, headers, body: call(1), concurrency: 1, ms: 50 });
    const captured = await servers.call<{ tallyfy: { path: string; query: string } | null }>('capture');
    if (!captured.tallyfy) throw new Error('mcp load: the gateway made no /me/tasks request');
    const upstreamPath = `${captured.tallyfy.path.replace(sandboxOrgs.acme, '{org}')}${captured.tallyfy.query ? `?${captured.tallyfy.query}` : ''}`;
    const bare = await startChild<{ url: string }>('mcpTarget', { args: ['--kind', 'bare', '--tallyfy', servers.ready.sandboxUrl, '--path', upstreamPath] });
    const points: McpLoadPoint[] = [];
    try {
      const ms = options.seconds * 1000;
      for (const concurrency of [1, options.concurrency]) {
        for (const [kind, target] of [['gateway', gateway], ['bare', bare]] as const) {
          log(`  ${kind}, ${concurrency} caller(s)…`);
          points.push({ kind, ...(await measure(target, load, call(concurrency), concurrency, ms)) });
        }
      }
      const list = await measure(gateway, load, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, 1, Math.min(ms, 3000));
      const at = (kind: string, concurrency: number): McpLoadPoint => points.find((p) => p.kind === kind && p.concurrency === concurrency)!;
      return {
        tool: 'get_my_tasks',
        upstreamPath,
        points,
        toolsListCpuMs: list.serverCpuMsPerCall,
        cpuRatioHighVsOne: at('gateway', options.concurrency).serverCpuMsPerCall / at('gateway', 1).serverCpuMsPerCall,
        throughputVsBare: at('gateway', options.concurrency).perSecond / at('bare', options.concurrency).perSecond,
      };
    } finally {
      await bare.stop();
    }
  } finally {
    await Promise.all([gateway.stop(), load.stop(), servers.stop()]);
  }
}
