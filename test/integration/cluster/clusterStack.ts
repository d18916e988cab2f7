import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import WebSocket from 'ws';

import { startRedisServer, type RedisServer } from '../../../electron/core/cluster/testing/redisServer';
import { sandboxOrgs, sandboxTokens, startSandbox, type Sandbox } from '../../../electron/core/tallyfy/sandbox';
import { adminSubprotocol } from '../../../shared/ipc/bridge';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '../../fakes/anthropic/fakeAnthropic';
import { startServe, type ServeProcess } from '../../helpers/serveProcess';
import { TestClient, type Frame } from '../support/wsClient';

export { haveRedisServer } from '../../../electron/core/cluster/testing/redisServer';

/** One `serve` process of the cluster. */
export interface ClusterNode {
  /** Its `--node-id`. */
  id: string;
  process: ServeProcess;
  /** `ws://127.0.0.1:PORT` (the gateway's WebSocket). */
  wsUrl: string;
  /** `http://127.0.0.1:PORT` (web chat, `/admin`, `/healthz`). */
  httpUrl: string;
  dataDir: string;
  /** True once {@link ClusterStack.kill} or {@link ClusterStack.stopNode} ended it. */
  gone: boolean;
}

/** A teammate signed in on one node. */
export interface SignedIn {
  client: TestClient;
  /** The `connection_established` session id. */
  sessionId: string;
  /** The `auth_success` frame. */
  success: Frame;
}

/** An admin call's answer: the HTTP status and the `{ok, data}` / `{ok:false, error}` body. */
export interface AdminAnswer<T = unknown> {
  status: number;
  body: { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
}

/** Live admin events of one node (`/admin/events`), as received. */
export interface AdminEvents {
  events: Array<{ event: string; payload: unknown }>;
  /** Resolves with the first event (already seen or coming) that `match` accepts; rejects after `timeoutMs`. */
  waitFor(match: (event: { event: string; payload: unknown }) => boolean, timeoutMs?: number): Promise<{ event: string; payload: unknown }>;
  close(): void;
}

export interface ClusterStack {
  redis: RedisServer;
  sandbox: Sandbox;
  fake: FakeAnthropic;
  /** The admin token every node shares. */
  adminToken: string;
  nodes: ClusterNode[];
  /** The node with this `--node-id`. */
  node(id: string): ClusterNode;
  /** Starts one more node (e.g. after a kill), with the cluster's flags plus `extraFlags`. */
  addNode(id: string, extraFlags?: string[]): Promise<ClusterNode>;
  /**
   * Opens a WebSocket on the node and signs in (default alice in Acme). Extra fields (e.g.
   * `access_code`) go into the `auth` frame.
   */
  signIn(id: string, as?: { apiKey?: string; orgId?: string; extra?: Record<string, unknown>; localAddress?: string }): Promise<SignedIn>;
  /** Opens a WebSocket on the node (not signed in); `localAddress` (e.g. `127.0.0.9`) gives the node another client address. */
  open(id: string, options?: { localAddress?: string }): Promise<TestClient>;
  /** `POST /admin/api/<route>` on the node with the shared admin token (or `token`), from `localAddress` when given. */
  admin<T = unknown>(id: string, route: string, input?: unknown, token?: string, localAddress?: string): Promise<AdminAnswer<T>>;
  /** `admin()` that throws unless the answer is ok, returning `data`. */
  adminOk<T = unknown>(id: string, route: string, input?: unknown): Promise<T>;
  /** The node's `/healthz` JSON. */
  health(id: string): Promise<Record<string, unknown>>;
  /** Subscribes to the node's live admin events. */
  adminEvents(id: string): Promise<AdminEvents>;
  /** SIGKILL (a crash): resolves once the process is gone. */
  kill(id: string): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stopNode(id: string): Promise<void>;
  /** Stops every node, the fake, the sandbox and Redis; deletes the data dirs. */
  close(): Promise<void>;
}

export { until } from '../../../electron/core/cluster/testing/until';

/**
 * The cluster as a company would run it, on loopback: one Debian `redis-server` (free port,
 * persistence off), one Tallyfy sandbox HTTP server, the fake Anthropic server, and `nodes`
 * separate `serve` processes (`--redis URL --node-id ID --port 0`, the same admin token, each its
 * own data dir, `TALLYFY_API_URL` = the sandbox) started in parallel.
 */
export async function startClusterStack(
  options: {
    /** Node ids, one `serve` each. Default `['node-a', 'node-b']`. */
    nodes?: string[];
    /** Extra `serve` flags for every node. */
    flags?: string[];
    /** Extra environment for every node. */
    env?: NodeJS.ProcessEnv;
    fake?: FakeAnthropicOptions;
    /** Redis AUTH password. Default none. */
    redisPassword?: string;
    /** `--redis-prefix`. Default the product's. */
    prefix?: string;
  } = {},
): Promise<ClusterStack> {
  const ids = options.nodes ?? ['node-a', 'node-b'];
  const adminToken = `cluster-admin-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const [redis, sandbox, fake] = await Promise.all([
    startRedisServer(options.redisPassword ? { password: options.redisPassword } : {}),
    startSandbox({ host: '127.0.0.1', port: 0 }),
    startFakeAnthropic(options.fake),
  ]);
  const nodes: ClusterNode[] = [];

  const launch = async (id: string, extraFlags: string[] = []): Promise<ClusterNode> => {
    const dataDir = mkdtempSync(join(tmpdir(), `gw-cluster-${id}-`));
    const flags = [
      '--port',
      '0',
      '--mcp-port',
      '0',
      '--redis',
      redis.url,
      '--node-id',
      id,
      '--admin-token',
      adminToken,
      '--data-dir',
      dataDir,
      '--no-mdns',
    ];
    if (options.prefix) flags.push('--redis-prefix', options.prefix);
    const serve = startServe([...flags, ...(options.flags ?? []), ...extraFlags], {
      env: {
        TALLYFY_API_URL: sandbox.url,
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: 'sk-ant-cluster-test',
        GATEWAY_LOG_FORMAT: 'json',
        ...options.env,
      },
      timeoutMs: 60_000,
    });
    const node: ClusterNode = { id, process: serve, wsUrl: '', httpUrl: '', dataDir, gone: false };
    nodes.push(node);
    await serve.ready;
    node.wsUrl = serve.url('WebSocket');
    node.httpUrl = serve.url('Health').replace(/\/healthz$/, '');
    return node;
  };

  const find = (id: string): ClusterNode => {
    const node = nodes.find((item) => item.id === id && !item.gone) ?? nodes.find((item) => item.id === id);
    if (!node) throw new Error(`no cluster node ${id}`);
    return node;
  };

  const admin = <T>(id: string, route: string, input: unknown = {}, token = adminToken, localAddress?: string): Promise<AdminAnswer<T>> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(input);
      const request = httpRequest(
        `${find(id).httpUrl}/admin/api/${route}`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          ...(localAddress ? { localAddress } : {}),
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            try {
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as AdminAnswer<T>['body'] });
            } catch (error) {
              reject(new Error(`${route} on ${id}: ${response.statusCode} ${text.slice(0, 200)}`, { cause: error }));
            }
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  const end = async (node: ClusterNode, signal: NodeJS.Signals): Promise<void> => {
    if (node.gone) return;
    node.gone = true;
    if (node.process.child.exitCode === null && node.process.child.signalCode === null) {
      node.process.child.kill(signal);
      await node.process.exited;
    }
  };

  const stack: ClusterStack = {
    redis,
    sandbox,
    fake,
    adminToken,
    nodes,
    node: find,
    addNode: launch,
    open: (id, options = {}) => TestClient.open(find(id).wsUrl, options.localAddress ? { localAddress: options.localAddress } : {}),
    async signIn(id, as = {}) {
      const client = await TestClient.open(find(id).wsUrl, as.localAddress ? { localAddress: as.localAddress } : {});
      const sessionId = String(client.frames[0]?.session_id ?? '');
      const success = await client.request(
        { type: 'auth', api_key: as.apiKey ?? sandboxTokens.alice, org_id: as.orgId ?? sandboxOrgs.acme, ...as.extra },
        'auth_success',
        15_000,
      );
      return { client, sessionId, success };
    },
    admin,
    async adminOk<T>(id: string, route: string, input?: unknown) {
      const answer = await admin<T>(id, route, input);
      if (!answer.body.ok) throw new Error(`${route} on ${id}: ${answer.status} ${answer.body.error.code} ${answer.body.error.message}`);
      return answer.body.data;
    },
    async health(id) {
      return (await (await fetch(`${find(id).httpUrl}/healthz`)).json()) as Record<string, unknown>;
    },
    async adminEvents(id) {
      const ws = new WebSocket(`${find(id).httpUrl.replace(/^http/, 'ws')}/admin/events`, [adminSubprotocol, `token.${adminToken}`]);
      const events: Array<{ event: string; payload: unknown }> = [];
      const waiters: Array<{
        match: (event: { event: string; payload: unknown }) => boolean;
        resolve: (event: { event: string; payload: unknown }) => void;
      }> = [];
      ws.on('message', (data) => {
        const event = JSON.parse(data.toString()) as { event: string; payload: unknown };
        events.push(event);
        for (const waiter of [...waiters]) {
          if (waiter.match(event)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      });
      ws.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return {
        events,
        waitFor(match, timeoutMs = 20_000) {
          const seen = events.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no matching admin event within ${timeoutMs} ms; got ${events.map((item) => item.event).join(', ')}`)),
              timeoutMs,
            );
            waiters.push({
              match,
              resolve: (event) => {
                clearTimeout(timer);
                resolve(event);
              },
            });
          });
        },
        close: () => ws.close(),
      };
    },
    kill: (id) => end(find(id), 'SIGKILL'),
    stopNode: (id) => end(find(id), 'SIGTERM'),
    async close() {
      await Promise.all(nodes.map((node) => end(node, 'SIGTERM').catch(() => undefined)));
      await Promise.all([redis.stop(), sandbox.close(), fake.close()]);
      for (const node of nodes) rmSync(node.dataDir, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all(ids.map((id) => launch(id)));
  } catch (error) {
    await stack.close().catch(() => undefined);
    throw error;
  }
  return stack;
}
