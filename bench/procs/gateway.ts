/**
 * Bench helper process: the real gateway (HTTP + WebSocket + sessions + agent + in-process MCP +
 * Tallyfy client) composed from the same parts the product uses, pointed at the fake Anthropic
 * server and the sandbox. Reports its own CPU and memory over IPC so only the gateway is measured.
 *
 * argv: --anthropic URL --sandbox URL [--fetch lean|global]
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';

import { createAgent } from '../../electron/core/agent';
import { startGatewayHttp } from '../../electron/core/gateway/httpServer';
import { createWsGateway } from '../../electron/core/gateway/wsGateway';
import { createLogger } from '../../electron/core/log/logger';
import { SecretRegistry } from '../../electron/core/log/redact';
import { createHttpFetch } from '../../electron/core/net/httpFetch';
import { createAgentEngine } from '../../electron/core/sessions/agentEngine';
import { SessionRegistry } from '../../electron/core/sessions/registry';
import { createTallyfyAuthenticator, createTallyfyToolHostFactory } from '../../electron/core/sessions/tallyfyServices';
import { serveParent } from '../lib/child';

const { values } = parseArgs({ options: { anthropic: { type: 'string' }, sandbox: { type: 'string' }, fetch: { type: 'string', default: 'lean' } } });
if (!values.anthropic || !values.sandbox) throw new Error('gateway proc: --anthropic and --sandbox are required');

const secrets = new SecretRegistry();
// Info-level JSON lines are formatted as in production, then dropped (not printed to the bench's terminal).
let logLines = 0;
const sink = new Writable({
  write(_chunk, _encoding, callback) {
    logLines++;
    callback();
  },
});
const logger = createLogger({ secrets, destination: sink, level: 'info' });
const fetch = values.fetch === 'lean' ? createHttpFetch() : undefined;
const agent = createAgent({ apiKey: 'sk-bench', baseURL: values.anthropic, logger, ...(fetch ? { fetch } : {}) });
const services = { baseUrl: values.sandbox, secrets, logger, ...(fetch ? { fetch } : {}) };
const registry = new SessionRegistry({
  secrets,
  logger,
  engine: createAgentEngine(agent),
  toolHostFactory: createTallyfyToolHostFactory(services),
});
registry.start();
const http = await startGatewayHttp({
  host: '127.0.0.1',
  port: 0,
  logger,
  health: () => ({
    status: 'ok',
    name: 'bench',
    version: '0',
    uptimeSeconds: 0,
    mode: 'sandbox',
    agent: 'claude',
    services: { gateway: { running: true }, mcp: { running: false }, sandbox: { running: false } },
    sessions: { active: registry.size, peak: registry.stats().peak },
  }),
});
const ws = createWsGateway({
  registry,
  logger,
  authenticate: createTallyfyAuthenticator(services),
  host: '127.0.0.1',
  // Sequential queries plus `clear` from one client exceed the product's 5 messages/s; the bench measures cost, not the limiter.
  rateLimit: { capacity: 1000, refillPerSecond: 1000 },
  attemptLimit: { maxFailures: 1_000_000, windowMs: 60_000 },
});
http.attachWebSocket(ws);

const gc = (globalThis as { gc?: () => void }).gc;
serveParent(
  {
    cpu: () => process.cpuUsage(),
    memory: () => {
      gc?.();
      gc?.();
      return { ...process.memoryUsage(), sessions: registry.size, connections: ws.connections };
    },
    stats: () => ({ sessions: registry.size, connections: ws.connections, logLines }),
  },
  { url: `ws://127.0.0.1:${http.port}`, pid: process.pid },
  async () => {
    await ws.close('bench done');
    await http.close();
    registry.close();
    fetch?.close();
  },
);
