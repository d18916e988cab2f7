/**
 * Bench helper process: N concurrent MCP callers, each POSTing its next JSON-RPC request (stateless
 * Streamable HTTP, JSON answers) as soon as the last was answered, for a bounded time. Raw
 * keep-alive HTTP, so the load generator stays cheap next to the endpoint it drives.
 */
import { Agent, request } from 'node:http';

import { serveParent } from '../lib/child';
import { summarize } from '../lib/stats';

interface RunArgs {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  concurrency: number;
  ms: number;
}

function post(url: URL, agent: Agent, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && !text.includes('"isError":true') && !text.includes('"error"') ? 1 : 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function run(args: RunArgs): Promise<{ calls: number; errors: number; perSecond: number; p50: number; p95: number }> {
  const url = new URL(args.url);
  const agent = new Agent({ keepAlive: true, maxSockets: args.concurrency });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...args.headers };
  const body = JSON.stringify(args.body);
  const samples: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + args.ms;
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      while (performance.now() < until && samples.length < 1_000_000) {
        const t0 = performance.now();
        try {
          if ((await post(url, agent, headers, body)) === 1) samples.push(performance.now() - t0);
          else errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  const latency = summarize(samples);
  return { calls: samples.length, errors, perSecond: (samples.length / elapsed) * 1000, p50: latency.p50, p95: latency.p95 };
}

serveParent({ run: (args) => run(args as RunArgs) }, {});
