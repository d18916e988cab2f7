import { setMaxListeners } from 'node:events';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { createLogger } from '../../electron/core/log/logger';
import { SecretRegistry } from '../../electron/core/log/redact';
import { startMcpHttp } from '../../electron/core/mcp/transports/httpServer';
import { createInProcessToolHost } from '../../electron/core/mcp/transports/inProcessToolHost';
import { createTallyfyClient, type TallyfyClientOptions } from '../../electron/core/tallyfy';
import { cpuMsSince, summarize, type Latency } from '../lib/stats';
import { stubOrgId, stubTallyfyFetch, stubToken } from '../lib/stubTallyfy';

/** Latency of the measured calls, and the CPU (user + system, ms) this process spent per call. */
export interface McpTiming extends Latency {
  /** Client and server share this process, so this is both sides' CPU per call. */
  cpuMsPerCall: number;
}

/** Section 3 result: one tool call (`get_my_tasks`) over each transport, Tallyfy answered in memory. */
export interface McpResult {
  tool: string;
  calls: number;
  inProcess: McpTiming;
  httpJson: McpTiming & { serversBuilt: number };
  httpSse: McpTiming & { serversBuilt: number };
}

const tool = 'get_my_tasks';

async function time(calls: number, warmup: number, once: () => Promise<void>): Promise<McpTiming> {
  for (let i = 0; i < warmup; i++) await once();
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return { ...summarize(samples), cpuMsPerCall: cpuMsSince(cpu) / Math.max(1, calls) };
}

/** `calls` tool calls over Streamable HTTP from one client; also how many MCP servers the endpoint built for them. */
async function overHttp(mode: 'json' | 'sse', calls: number): Promise<McpTiming & { serversBuilt: number }> {
  const secrets = new SecretRegistry();
  const logger = createLogger({ secrets, destination: null, level: 'warn' });
  const http = await startMcpHttp({
    port: 0,
    tallyfyApiUrl: 'http://tallyfy.stub',
    logger,
    secrets,
    responseMode: mode,
    createClient: (options: TallyfyClientOptions) => createTallyfyClient({ ...options, fetch: stubTallyfyFetch }),
  });
  const client = new Client({ name: 'bench', version: '0' });
  // The SDK's client transport passes one long-lived AbortSignal to every fetch, and undici keeps a
  // listener on it per request until GC: harmless here, but thousands of calls trip Node's leak warning.
  setMaxListeners(0);
  const transport = new StreamableHTTPClientTransport(new URL(http.url), {
    requestInit: { headers: { authorization: `Bearer ${stubToken}`, 'x-tallyfy-org-id': stubOrgId } },
  });
  try {
    await client.connect(transport);
    const timing = await time(calls, Math.min(200, calls), async () => {
      const result = await client.callTool({ name: tool, arguments: {} });
      if (result.isError) throw new Error(`MCP ${mode}: ${JSON.stringify(result.content).slice(0, 200)}`);
    });
    return { ...timing, serversBuilt: http.serversBuilt() };
  } finally {
    await client.close();
    await http.close();
  }
}

/** Runs section 3: the same tool call in-process, over Streamable HTTP (JSON), and with SSE. */
export async function runMcpSection(calls = 2000): Promise<McpResult> {
  const tallyfy = createTallyfyClient({ baseUrl: 'http://tallyfy.stub', token: stubToken, orgId: stubOrgId, fetch: stubTallyfyFetch });
  const host = await createInProcessToolHost(tallyfy);
  const inProcess = await time(calls, Math.min(500, calls), async () => {
    const outcome = await host.callTool(tool, {});
    if (outcome.isError) throw new Error(`in-process: ${outcome.text.slice(0, 200)}`);
  });
  await host.close();
  const httpJson = await overHttp('json', calls);
  const httpSse = await overHttp('sse', calls);
  return { tool, calls, inProcess, httpJson, httpSse };
}
