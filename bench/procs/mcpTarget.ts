/**
 * Bench helper process: ONE MCP Streamable HTTP endpoint under load, measured by its own
 * `process.cpuUsage()`. `--kind gateway` runs `startMcpHttp` as createCore does (lean fetch);
 * `--kind bare` runs a bare `@modelcontextprotocol/sdk` server the way the SDK's stateless example
 * does (a new `McpServer` + transport per POST) with one tool that makes the same upstream request
 * with Node's built-in fetch. Both talk to the sandbox at `--tallyfy URL`.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

import { createLogger } from '../../electron/core/log/logger';
import { SecretRegistry } from '../../electron/core/log/redact';
import { startMcpHttp } from '../../electron/core/mcp/transports/httpServer';
import { createHttpFetch } from '../../electron/core/net/httpFetch';
import { serveParent } from '../lib/child';

const { values } = parseArgs({ options: { kind: { type: 'string' }, tallyfy: { type: 'string' }, path: { type: 'string', default: '' } } });
const tallyfy = values.tallyfy ?? '';

let url: string;
let stats: () => { serversBuilt: number } = () => ({ serversBuilt: 0 });
let stop: () => Promise<void>;

if (values.kind === 'gateway') {
  const secrets = new SecretRegistry();
  const http = await startMcpHttp({
    port: 0,
    tallyfyApiUrl: tallyfy,
    logger: createLogger({ secrets, destination: null, level: 'warn' }),
    secrets,
    fetch: createHttpFetch(),
  });
  url = http.url;
  stats = () => ({ serversBuilt: http.serversBuilt() });
  stop = () => http.close();
} else {
  // The same upstream request the gateway's get_my_tasks makes (path and query captured by the parent).
  const upstreamPath = values.path ?? '';
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? '';
    const org = String(req.headers['x-tallyfy-org-id'] ?? '');
    const mcp = new McpServer({ name: 'bare', version: '1' });
    mcp.registerTool('get_my_tasks', { description: 'My tasks' }, async () => {
      const response = await fetch(`${tallyfy}${upstreamPath.replace('{org}', org)}`, {
        headers: { authorization, accept: 'application/json', 'x-tallyfy-client': 'APIClient' },
      });
      return { content: [{ type: 'text', text: JSON.stringify(await response.json()) }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close());
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/mcp`;
  stop = () => new Promise((resolve) => server.close(() => resolve()));
}

serveParent(
  {
    cpu: () => {
      const usage = process.cpuUsage();
      return { cpuMs: (usage.user + usage.system) / 1000, ...stats() };
    },
  },
  { url },
  stop,
);
