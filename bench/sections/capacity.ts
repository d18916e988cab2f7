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

interface Climber {
  label: string;
  server: BenchChild & { ready: { url: string } };
  /** Its own load generator: one process holding both servers' 10,000 sockets would pass the usual 20,000 open-file limit. */
  load: BenchChild;
  base?: Memory;
  connected: number;
  cpuMs: number;
  signInMs: number;
  added: number;
  points: CapacityPoint[];
}

/**
 * Climbs every server through the session counts together, in chunks of at most 1,000 sign-ins
 * taken in turn (the order alternating), so drift in the machine's load reaches them alike.
 */
async function climbTogether(climbers: Climber[], targets: number[], log: (line: string) => void, snapshotDir?: string): Promise<void> {
  for (const climber of climbers) {
    // Load and warm the sign-in code paths (JIT, keep-alive sockets) so neither the baseline nor the first points carry them.
    await climber.load.call('connect', { url: climber.server.ready.url, n: Math.min(500, Math.max(...targets)) });
    await climber.load.call('close');
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const climber of climbers) climber.base = await climber.server.call<Memory>('memory');
  const largest = Math.max(...targets);
  let turn = 0;
  for (const target of [...targets].sort((a, b) => a - b)) {
    log(`  connecting and signing in up to ${target} on each of ${climbers.map((climber) => climber.label).join(', ')}…`);
    const profiled = snapshotDir !== undefined && target === largest ? climbers.find((climber) => climber.label === 'gateway') : undefined;
    if (profiled) await profiled.server.call('profileStart');
    for (const climber of climbers) {
      climber.cpuMs = 0;
      climber.signInMs = 0;
      climber.added = 0;
    }
    while (climbers.some((climber) => climber.connected < target)) {
      const order = turn++ % 2 === 0 ? climbers : [...climbers].reverse();
      for (const climber of order) {
        const n = Math.min(1000, target - climber.connected);
        if (n <= 0) continue;
        const before = await climber.server.call<CpuUsage>('cpu');
        const signIn = await climber.load.call<{ connected: number; ms: number; perSecond: number }>('connect', { url: climber.server.ready.url, n });
        climber.cpuMs += cpuMs(before, await climber.server.call<CpuUsage>('cpu'));
        climber.signInMs += signIn.ms;
        climber.added += n;
        climber.connected += n;
      }
    }
    if (profiled)
      log(`  CPU profile of the gateway's sign-ins: ${await profiled.server.call<string>('profileStop', { dir: snapshotDir, name: `gateway-sign-in-to-${target}` })}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const climber of climbers) {
      const memory = await climber.server.call<Memory>('memory');
      const base = climber.base as Memory;
      if (memory.sessions < target) throw new Error(`capacity: ${climber.label} holds ${memory.sessions} sessions, expected ${target}`);
      const per = (now: number, then: number): number => (now - then) / memory.sessions;
      climber.points.push({
        sessions: memory.sessions,
        rssBytesPerSession: per(memory.rss, base.rss),
        heapBytesPerSession: per(memory.heapUsed, base.heapUsed),
        jsBytesPerSession: per(memory.heapUsed + memory.external + memory.arrayBuffers, base.heapUsed + base.external + base.arrayBuffers),
        signIn: { ms: climber.signInMs, perSecond: (climber.added / climber.signInMs) * 1000, cpuMsPerSignIn: climber.cpuMs / Math.max(1, climber.added) },
      });
    }
  }
  // With every session still open and idle.
  const gateway = climbers.find((climber) => climber.label === 'gateway');
  if (snapshotDir && gateway) log(`  heap snapshot of the gateway: ${await gateway.server.call<string>('heapSnapshot', { dir: snapshotDir })}`);
  for (const climber of climbers) await climber.load.call('close');
}

/**
 * Section 2: a fresh gateway process (with `--expose-gc`); sessions are connected and signed in (50 at
 * a time) up to each target count, left idle, and the gateway's memory (after two full GCs) is read
 * over IPC. Per-session figures are the growth over the gateway's own idle baseline, divided by the count.
 * The same climb runs, in alternating chunks, against a bare `ws` server (`procs/bareSignIn.ts`) that answers sign-in
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
    const loads = [await startChild('load', { execArgv: ['--max-old-space-size=2048'] }), await startChild('load', { execArgv: ['--max-old-space-size=2048'] })];
    children.push(...loads);
    // Both servers run bundled, as `npm run serve` runs (see buildProc), not through tsx.
    const bareServer = await startChild<{ url: string }>('bareSignIn', { args: ['--sandbox', servers.ready.sandboxUrl], execArgv: ['--expose-gc'], built: true });
    children.push(bareServer);
    const gateway = await startChild<{ url: string }>('gateway', {
      args: ['--anthropic', servers.ready.anthropicUrl, '--sandbox', servers.ready.sandboxUrl, '--compose', compose],
      execArgv: ['--expose-gc'],
      built: true,
    });
    children.push(gateway);
    const bare: Climber = { label: 'bare ws + /me', server: bareServer, load: loads[0] as BenchChild, connected: 0, cpuMs: 0, signInMs: 0, added: 0, points: [] };
    const ours: Climber = { label: 'gateway', server: gateway, load: loads[1] as BenchChild, connected: 0, cpuMs: 0, signInMs: 0, added: 0, points: [] };
    await climbTogether([bare, ours], targets, log, profileDir);
    const baseline = (climber: Climber): CapacityRun['baseline'] => ({ rss: climber.base?.rss ?? 0, heapUsed: climber.base?.heapUsed ?? 0 });
    return { baseline: baseline(ours), points: ours.points, bare: { baseline: baseline(bare), points: bare.points } };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
  }
}
