/**
 * Bench helper process: the load generator. Holds N WebSocket clients that speak the original
 * protocol (auth, query, clear) and runs them for a bounded time, each sending its next query as
 * soon as the last was answered. Also drives the bare `ws` echo baseline.
 */
import WebSocket from 'ws';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';

import { serveParent } from '../lib/child';
import { summarize } from '../lib/stats';

interface Client {
  ws: WebSocket;
  /** Resolves with the next frame of one of these types (others are skipped). */
  next(types: readonly string[], timeoutMs?: number): Promise<{ type: string; [key: string]: unknown }>;
}

function open(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const queue: Array<{ type: string }> = [];
    let waiter: { types: readonly string[]; resolve: (frame: { type: string }) => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | undefined;
    const deliver = (): void => {
      if (!waiter) return;
      const index = queue.findIndex((frame) => waiter?.types.includes(frame.type));
      if (index < 0) {
        queue.length = 0;
        return;
      }
      const [frame] = queue.splice(0, index + 1).slice(-1);
      const current = waiter;
      waiter = undefined;
      clearTimeout(current.timer);
      current.resolve(frame as { type: string });
    };
    ws.on('message', (data) => {
      queue.push(JSON.parse(String(data)) as { type: string });
      deliver();
    });
    ws.on('close', () => {
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('socket closed'));
        waiter = undefined;
      }
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        next: (types, timeoutMs = 60_000) =>
          new Promise((resolveFrame, rejectFrame) => {
            const timer = setTimeout(() => {
              waiter = undefined;
              rejectFrame(new Error(`no ${types.join('/')} within ${timeoutMs} ms`));
            }, timeoutMs);
            waiter = { types, resolve: resolveFrame as (frame: { type: string }) => void, reject: rejectFrame, timer };
            deliver();
          }),
      }),
    );
  });
}

const users = [
  { api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme },
  { api_key: sandboxTokens.bob, org_id: sandboxOrgs.acme },
  { api_key: sandboxTokens.carol, org_id: sandboxOrgs.acme },
  { api_key: sandboxTokens.dave, org_id: sandboxOrgs.beta },
];

let clients: Client[] = [];

async function connect(args: {
  url: string;
  n: number;
  concurrency?: number;
  /** Extensions asked for at sign-in (e.g. `resume`, which a cluster keeps conversations for). Default none. */
  extensions?: string[];
}): Promise<{ connected: number; ms: number; perSecond: number }> {
  const started = performance.now();
  const before = clients.length;
  let index = 0;
  const worker = async (): Promise<void> => {
    while (index < args.n) {
      const user = users[index++ % users.length] as (typeof users)[number];
      const client = await open(args.url);
      await client.next(['connection_established']);
      client.ws.send(JSON.stringify({ type: 'auth', ...user, ...(args.extensions ? { extensions: args.extensions } : {}) }));
      const reply = await client.next(['auth_success', 'auth_error', 'error']);
      if (reply.type !== 'auth_success') throw new Error(`sign-in failed: ${JSON.stringify(reply)}`);
      clients.push(client);
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency ?? 50, args.n) }, worker));
  const ms = performance.now() - started;
  const added = clients.length - before;
  return { connected: clients.length, ms, perSecond: (added / ms) * 1000 };
}

/**
 * Each client sends its next query as soon as the last is answered, but no sooner than
 * `minIntervalMs` after the previous one started (to stay under a per-session message rate limit).
 */
async function run(args: { ms: number; query?: string; clear?: boolean; minIntervalMs?: number }): Promise<{ queries: number; errors: number; ms: number; latency: ReturnType<typeof summarize> }> {
  const samples: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + args.ms;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const earliestNext = sent + (args.minIntervalMs ?? 0);
        client.ws.send(JSON.stringify({ type: 'query', content: args.query ?? 'What tasks do I have open?' }));
        const reply = await client.next(['response', 'error']);
        if (reply.type === 'response') samples.push(performance.now() - sent);
        else errors++;
        if (args.clear !== false) {
          client.ws.send(JSON.stringify({ type: 'query', content: 'clear' }));
          await client.next(['info', 'error']);
        }
        if (earliestNext >= deadline) break;
        const wait = earliestNext - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
  return { queries: samples.length, errors, ms: performance.now() - started, latency: summarize(samples) };
}

async function echo(args: { url: string; n: number; ms: number; size: number }): Promise<{ roundTrips: number; ms: number; latency: ReturnType<typeof summarize> }> {
  const sockets = await Promise.all(Array.from({ length: args.n }, () => open(args.url)));
  const payload = JSON.stringify({ type: 'query', content: 'x'.repeat(Math.max(0, args.size - 30)) });
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + args.ms;
  await Promise.all(
    sockets.map(async (client) => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        client.ws.send(payload);
        await client.next(['query']);
        samples.push(performance.now() - sent);
      }
    }),
  );
  const ms = performance.now() - started;
  for (const client of sockets) client.ws.close();
  return { roundTrips: samples.length, ms, latency: summarize(samples) };
}

function closeAll(): number {
  const count = clients.length;
  for (const client of clients) client.ws.close();
  clients = [];
  return count;
}

serveParent(
  {
    connect: (args) => connect(args as { url: string; n: number; extensions?: string[] }),
    run: (args) => run(args as { ms: number; minIntervalMs?: number }),
    echo: (args) => echo(args as { url: string; n: number; ms: number; size: number }),
    close: () => closeAll(),
  },
  { pid: process.pid },
  () => void closeAll(),
);
