import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { summarize } from '../lib/stats';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** One way of starting `serve`: how long until `/healthz` answered, and the RSS then. */
export interface StartupTiming {
  entry: string;
  ms: number[];
  medianMs: number;
  rssMiB: number[];
  medianRssMiB: number;
}

/** Issue 18 §3: `serve` (no key, no sandbox) from start to the first `/healthz` answer. */
export interface StartupResult {
  /** Today's entry before the server build: `node --import tsx electron/core/serve.ts`. */
  source: StartupTiming;
  /** `npm run serve` now: `node out/server/serve.js`. */
  built: StartupTiming;
  ratio: number;
}

async function startOnce(args: string[]): Promise<{ ms: number; rssMiB: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [...args, '--port', '0', '--mcp-port', '0', '--no-mdns', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, ANTHROPIC_API_KEY: '', GATEWAY_LOG_FORMAT: 'json', GATEWAY_SANDBOX: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    // The banner is printed right after start(); its Health URL names the port picked.
    const health = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('start-up: no banner in 60 s')), 60_000);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const url = /Health\s+(http:\/\/\S+)/.exec(out)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
      child.once('exit', (code) => reject(new Error(`start-up: serve exited with ${code}`)));
    });
    const response = await fetch(health);
    if (!response.ok) throw new Error(`start-up: /healthz answered ${response.status}`);
    await response.arrayBuffer();
    const ms = performance.now() - started;
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    return { ms, rssMiB: rss };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const timing = (entry: string, runs: Array<{ ms: number; rssMiB: number }>): StartupTiming => ({
  entry,
  ms: runs.map((run) => run.ms),
  medianMs: summarize(runs.map((run) => run.ms)).p50,
  rssMiB: runs.map((run) => run.rssMiB),
  medianRssMiB: summarize(runs.map((run) => run.rssMiB)).p50,
});

/** Starts each entry `runs` times, alternating so load drift hits both; reports the medians. */
export async function runStartupSection(runs: number, log: (line: string) => void): Promise<StartupResult> {
  if (!existsSync(join(repoRoot, 'out/server/serve.js'))) throw new Error('start-up: out/server/serve.js is missing: run npm run build:server first');
  const sourceArgs = ['--import', 'tsx', 'electron/core/serve.ts'];
  const builtArgs = ['out/server/serve.js'];
  const source: Array<{ ms: number; rssMiB: number }> = [];
  const built: Array<{ ms: number; rssMiB: number }> = [];
  for (let i = 0; i < runs; i++) {
    source.push(await startOnce(sourceArgs));
    built.push(await startOnce(builtArgs));
    log(`  run ${i + 1}/${runs}: source ${Math.round(source.at(-1)!.ms)} ms, built ${Math.round(built.at(-1)!.ms)} ms`);
  }
  const a = timing(sourceArgs.join(' '), source);
  const b = timing(builtArgs.join(' '), built);
  return { source: a, built: b, ratio: b.medianMs / a.medianMs };
}
