/**
 * Bench helper process: the real gateway (HTTP + WebSocket + sessions + agent + in-process MCP +
 * Tallyfy client), pointed at the fake Anthropic server and the sandbox (both in another process).
 * Reports its own CPU and memory over IPC so only the gateway is measured.
 *
 * `--compose core` (default) runs the product itself: `createCore` with the config `serve` would
 * build (`TALLYFY_API_URL` = the sandbox). `--compose parts` composes the same parts by hand so the
 * `fetch` (`--fetch lean|global`) can be chosen for both the agent and the Tallyfy clients, and lifts
 * the per-session message rate limit (for runs with few clients).
 *
 * `--redis URL` (core only) runs it as a cluster node on that Redis (`serve --redis URL --node-id bench`).
 *
 * argv: --anthropic URL --sandbox URL [--compose core|parts] [--fetch lean|global] [--redis URL]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { Session as InspectorSession } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';

import { createAgent } from '../../electron/core/agent';
import { loadConfig } from '../../electron/core/config/config';
import { createCore } from '../../electron/core/createCore';
import { createGatewayServer, gatewayOnlyHealth } from '../../electron/core/gateway/gatewayServer';
import { createLogger } from '../../electron/core/log/logger';
import { SecretRegistry } from '../../electron/core/log/redact';
import { createHttpFetch } from '../../electron/core/net/httpFetch';
import { createAgentEngine } from '../../electron/core/sessions/agentEngine';
import { SessionRegistry } from '../../electron/core/sessions/registry';
import { createTallyfyAuthenticator, createTallyfyToolHostFactory } from '../../electron/core/sessions/tallyfyServices';
import { serveParent } from '../lib/child';

const { values } = parseArgs({
  options: {
    anthropic: { type: 'string' },
    sandbox: { type: 'string' },
    fetch: { type: 'string', default: 'lean' },
    compose: { type: 'string', default: 'core' },
    redis: { type: 'string' },
  },
});
if (!values.anthropic || !values.sandbox) throw new Error('gateway proc: --anthropic and --sandbox are required');

interface Running {
  url: string;
  sessions: () => number;
  connections: () => number;
  stop: () => Promise<void>;
}

// Info-level JSON lines are formatted as in production, then dropped (not printed to the bench's terminal).
let logLines = 0;
const sink = new Writable({
  write(_chunk, _encoding, callback) {
    logLines++;
    callback();
  },
});

async function startCore(): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const cluster = values.redis ? ['--redis', values.redis, '--node-id', 'bench'] : [];
  const { config } = loadConfig(['--port', '0', '--mcp-port', '0', '--data-dir', dataDir, ...cluster], {
    ANTHROPIC_API_KEY: 'sk-bench',
    ANTHROPIC_BASE_URL: values.anthropic as string,
    TALLYFY_API_URL: values.sandbox as string,
  });
  const core = createCore({ config, logDestination: sink });
  const addresses = await core.start();
  return {
    url: addresses.wsUrl,
    sessions: () => core.sessions.size,
    connections: () => core.sessions.size,
    stop: async () => {
      await core.stop('bench done');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startParts(): Promise<Running> {
  const secrets = new SecretRegistry();
  const logger = createLogger({ secrets, destination: sink, level: 'info' });
  const fetch = values.fetch === 'lean' ? createHttpFetch() : undefined;
  const agent = createAgent({ apiKey: 'sk-bench', baseURL: values.anthropic, logger, ...(fetch ? { fetch } : {}) });
  const services = { baseUrl: values.sandbox as string, secrets, logger, ...(fetch ? { fetch } : {}) };
  const registry = new SessionRegistry({
    secrets,
    logger,
    engine: createAgentEngine(agent),
    toolHostFactory: createTallyfyToolHostFactory(services),
  });
  registry.start();
  const gateway = createGatewayServer({
    registry,
    logger,
    authenticate: createTallyfyAuthenticator(services),
    host: '127.0.0.1',
    port: 0,
    health: gatewayOnlyHealth(registry, { name: 'bench', agent: 'claude' }),
    // Sequential queries plus `clear` from one client exceed the product's 5 messages/s; the bench measures cost, not the limiter.
    rateLimit: { capacity: 1000, refillPerSecond: 1000 },
    attemptLimit: { maxFailures: 1_000_000, windowMs: 60_000 },
    // Thousands of clients connect at once before signing in; the product caps that at 256 (docs/security.md).
    maxUnauthenticated: 100_000,
    signInDeadlineMs: 120_000,
  });
  await gateway.start();
  return {
    url: `ws://127.0.0.1:${gateway.port}`,
    sessions: () => registry.size,
    connections: () => gateway.ws?.connections ?? 0,
    stop: async () => {
      await gateway.stop('bench done');
      registry.close();
      fetch?.close();
    },
  };
}

const running = values.compose === 'parts' ? await startParts() : await startCore();
const gc = (globalThis as { gc?: () => void }).gc;
let inspector: InspectorSession | undefined;
serveParent(
  {
    cpu: () => process.cpuUsage(),
    memory: () => {
      gc?.();
      gc?.();
      return { ...process.memoryUsage(), sessions: running.sessions(), connections: running.connections() };
    },
    /** Starts a CPU profile (the V8 sampler, as `--cpu-prof`), for one measured window. */
    profileStart: async () => {
      inspector ??= new InspectorSession();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
      return true;
    },
    /** Stops the CPU profile and writes it into `dir`; returns its path. */
    profileStop: async (args) => {
      if (!inspector) throw new Error('no profile running');
      const { profile } = await inspector.post('Profiler.stop');
      inspector.disconnect();
      const path = join((args as { dir: string; name: string }).dir, `${(args as { name: string }).name}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      return path;
    },
    /** Writes a heap snapshot into `dir` and returns its path (for `--profile`). */
    heapSnapshot: (args) => writeHeapSnapshot(join((args as { dir: string }).dir, `gateway-${running.sessions()}-sessions.heapsnapshot`)),
    stats: () => ({ sessions: running.sessions(), connections: running.connections(), logLines }),
  },
  { url: running.url, pid: process.pid },
  () => running.stop(),
);
