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

/** Memory per idle authenticated session at one session count. */
export interface CapacityPoint {
  sessions: number;
  rssBytesPerSession: number;
  heapBytesPerSession: number;
  /** heapUsed + external + arrayBuffers growth per session (what the JS side holds, buffers included). */
  jsBytesPerSession: number;
  signIn: { ms: number; perSecond: number };
}

/** Section 2 result. */
export interface CapacityResult {
  baseline: { rss: number; heapUsed: number };
  points: CapacityPoint[];
}

/**
 * Section 2: a fresh gateway process (with `--expose-gc`); sessions are connected and signed in (50 at
 * a time) up to each target count, left idle, and the gateway's memory (after two full GCs) is read
 * over IPC. Per-session figures are the growth over the gateway's own idle baseline, divided by the count.
 */
export async function runCapacitySection(targets: number[], log: (line: string) => void, compose: 'core' | 'parts' = 'core'): Promise<CapacityResult> {
  const children: BenchChild[] = [];
  try {
    const servers = await startChild<{ anthropicUrl: string; sandboxUrl: string }>('servers');
    children.push(servers);
    const gateway = await startChild<{ url: string }>('gateway', {
      args: ['--anthropic', servers.ready.anthropicUrl, '--sandbox', servers.ready.sandboxUrl, '--compose', compose],
      execArgv: ['--expose-gc'],
    });
    children.push(gateway);
    const load = await startChild('load', { execArgv: ['--max-old-space-size=2048'] });
    children.push(load);
    // Load the sign-in code paths once so the baseline is not charged to the first sessions.
    await load.call('connect', { url: gateway.ready.url, n: 20 });
    await load.call('close');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const base = await gateway.call<Memory>('memory');
    const points: CapacityPoint[] = [];
    let connected = 0;
    for (const target of [...targets].sort((a, b) => a - b)) {
      log(`  connecting and signing in up to ${target} sessions…`);
      const signIn = await load.call<{ connected: number; ms: number; perSecond: number }>('connect', { url: gateway.ready.url, n: target - connected });
      connected = signIn.connected;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const memory = await gateway.call<Memory>('memory');
      if (memory.sessions < target) throw new Error(`capacity: the gateway holds ${memory.sessions} sessions, expected ${target}`);
      const per = (now: number, then: number): number => (now - then) / memory.sessions;
      points.push({
        sessions: memory.sessions,
        rssBytesPerSession: per(memory.rss, base.rss),
        heapBytesPerSession: per(memory.heapUsed, base.heapUsed),
        jsBytesPerSession: per(memory.heapUsed + memory.external + memory.arrayBuffers, base.heapUsed + base.external + base.arrayBuffers),
        signIn: { ms: signIn.ms, perSecond: signIn.perSecond },
      });
    }
    await load.call('close');
    return { baseline: { rss: base.rss, heapUsed: base.heapUsed }, points };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
  }
}
