import { startChild, type BenchChild } from '../lib/child';

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  sessions: number;
  connections: number;
}

interface CpuUsage {
  user: number;
  system: number;
}

/** Memory per idle authenticated session (or bare connection) at one count, and what signing them in cost. */
export interface CapacityPoint {
  sessions: number;
  rssBytesPerSession: number;
  heapBytesPerSession: number;
  /** heapUsed + external + arrayBuffers growth per session (what the JS side holds, buffers included). */
  jsBytesPerSession: number;
  signIn: { ms: number; perSecond: number; cpuMsPerSignIn: number };
}

/** One server climbed through the session counts. */
export interface CapacityRun {
  baseline: { rss: number; heapUsed: number };
  points: CapacityPoint[];
}

/** Section 2 result: the gateway beside a bare `ws` server that makes the same `/me` check, same counts, same run. */
export interface CapacityResult extends CapacityRun {
  bare: CapacityRun;
}

const cpuMs = (from: CpuUsage, to: CpuUsage): number => (to.user - from.user + (to.system - from.system)) / 1000;

async function climb(
  server: BenchChild & { ready: { url: string } },
  load: BenchChild,
  targets: number[],
  label: string,
  log: (line: string) => void,
  snapshotDir?: string,
): Promise<CapacityRun> {
  // Load and warm the sign-in code paths (JIT, keep-alive sockets) so neither the baseline nor the first points carry them.
  await load.call('connect', { url: server.ready.url, n: 500 });
  await load.call('close');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const base = await server.call<Memory>('memory');
  const points: CapacityPoint[] = [];
  let connected = 0;
  for (const target of [...targets].sort((a, b) => a - b)) {
    log(`  ${label}: connecting and signing in up to ${target}…`);
    const profiled = snapshotDir !== undefined && target === Math.max(...targets);
    if (profiled) await server.call('profileStart');
    const before = await server.call<CpuUsage>('cpu');
    const signIn = await load.call<{ connected: number; ms: number; perSecond: number }>('connect', { url: server.ready.url, n: target - connected });
    const cpu = cpuMs(before, await server.call<CpuUsage>('cpu'));
    if (profiled) log(`  CPU profile of the ${label}'s sign-ins: ${await server.call<string>('profileStop', { dir: snapshotDir, name: `${label}-sign-in-to-${target}` })}`);
    const added = signIn.connected - connected;
    connected = signIn.connected;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const memory = await server.call<Memory>('memory');
    if (memory.sessions < target) throw new Error(`capacity: ${label} holds ${memory.sessions} sessions, expected ${target}`);
    const per = (now: number, then: number): number => (now - then) / memory.sessions;
    points.push({
      sessions: memory.sessions,
      rssBytesPerSession: per(memory.rss, base.rss),
      heapBytesPerSession: per(memory.heapUsed, base.heapUsed),
      jsBytesPerSession: per(memory.heapUsed + memory.external + memory.arrayBuffers, base.heapUsed + base.external + base.arrayBuffers),
      signIn: { ms: signIn.ms, perSecond: signIn.perSecond, cpuMsPerSignIn: cpu / Math.max(1, added) },
    });
  }
  // With every session still open and idle.
  if (snapshotDir) log(`  heap snapshot of the ${label}: ${await server.call<string>('heapSnapshot', { dir: snapshotDir })}`);
  await load.call('close');
  return { baseline: { rss: base.rss, heapUsed: base.heapUsed }, points };
}

/**
 * Section 2: a fresh gateway process (with `--expose-gc`); sessions are connected and signed in (50 at
 * a time) up to each target count, left idle, and the gateway's memory (after two full GCs) is read
 * over IPC. Per-session figures are the growth over the gateway's own idle baseline, divided by the count.
 * The same climb runs first against a bare `ws` server (`procs/bareSignIn.ts`) that answers sign-in
 * with the same `GET /organizations/{org}/me` against the same sandbox: its memory per connection and
 * its CPU per sign-in are the baselines (issue 18 §2 and §5). With `profileDir`, the gateway writes a
 * CPU profile of its sign-ins to the largest count there, and a heap snapshot with every session still connected.
 */
export async function runCapacitySection(
  targets: number[],
  log: (line: string) => void,
  compose: 'core' | 'parts' = 'core',
  profileDir?: string,
): Promise<CapacityResult> {
  const children: BenchChild[] = [];
  try {
    const servers = await startChild<{ anthropicUrl: string; sandboxUrl: string }>('servers');
    children.push(servers);
    const load = await startChild('load', { execArgv: ['--max-old-space-size=4096'] });
    children.push(load);
    // Both servers run bundled, as `npm run serve` runs (see buildProc), not through tsx.
    const bareServer = await startChild<{ url: string }>('bareSignIn', { args: ['--sandbox', servers.ready.sandboxUrl], execArgv: ['--expose-gc'], built: true });
    children.push(bareServer);
    const bare = await climb(bareServer, load, targets, 'bare ws + /me', log);
    await bareServer.stop();
    const gateway = await startChild<{ url: string }>('gateway', {
      args: ['--anthropic', servers.ready.anthropicUrl, '--sandbox', servers.ready.sandboxUrl, '--compose', compose],
      execArgv: ['--expose-gc'],
      built: true,
    });
    children.push(gateway);
    const run = await climb(gateway, load, targets, 'gateway', log, profileDir);
    return { ...run, bare };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
  }
}
