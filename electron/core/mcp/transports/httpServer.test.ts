import { request } from 'node:http';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createLogger, LogRing } from '../../log/logger';
import { SecretRegistry } from '../../log/redact';
import { createTallyfyClient } from '../../tallyfy/client';
import { sandboxOrgs, sandboxTokens, sandboxUserIds } from '../../tallyfy/sandbox/defaultSeed';
import { startSandbox, type Sandbox } from '../../tallyfy/sandbox/server';

import { allTools } from '../catalog';
import { apiFallbackTools } from '../server/createMcpServer';

import { isLocalHost, isLocalOrigin, startMcpHttp, type McpHttp, type McpHttpOptions } from './httpServer';

let sandbox: Sandbox;
let mcp: McpHttp;
let sse: McpHttp;
const ring = new LogRing();
const secrets = new SecretRegistry();
const clients: Client[] = [];

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

const creds = (token: string, org: string = sandboxOrgs.acme, orgHeader = 'X-Tallyfy-Org-Id'): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  [orgHeader]: org,
});

function textOf(result: unknown): string {
  return (result as CallToolResult).content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** A raw POST, for what the SDK client would not send (foreign Host, no auth…). */
function post(
  url: string,
  headers: Record<string, string>,
  body: unknown = { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  method = 'POST',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? JSON.stringify(body) : undefined);
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  const logger = createLogger({ secrets, ring, destination: null, level: 'debug' });
  mcp = await startMcpHttp({ port: 0, tallyfyApiUrl: sandbox.url, logger, secrets });
  sse = await startMcpHttp({ port: 0, tallyfyApiUrl: sandbox.url, logger, secrets, responseMode: 'sse', cacheTtlMs: 50 });
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
  for (const client of clients) await client.close();
  await mcp.close();
  await sse.close();
  await sandbox.close();
});

describe('MCP over Streamable HTTP', () => {
  it('serves the tools to a caller with their own Tallyfy token, on 127.0.0.1/mcp', async () => {
    expect(mcp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const alice = await connect(mcp.url, creds(sandboxTokens.alice));
    const { tools } = await alice.listTools();
    expect(tools.length).toBe(allTools.length - apiFallbackTools.length); // the raw API tools are off by default
    expect(tools.length).toBeGreaterThanOrEqual(45);
    expect(tools.find((tool) => tool.name === 'archive_process')?.annotations).toMatchObject({
      destructiveHint: true,
      readOnlyHint: false,
    });
    const me = JSON.parse(textOf(await alice.callTool({ name: 'get_me', arguments: {} }))) as { id: number };
    expect(me.id).toBe(sandboxUserIds.alice);
  });

  it('answers a wrong or missing argument with a sentence naming it, not the raw zod text from the SDK', async () => {
    const alice = await connect(mcp.url, creds(sandboxTokens.alice));
    for (const [args, expected] of [
      [{}, /^Could not .*: run_id is required \(the process \(run\) id: 32 hexadecimal characters/],
      [{ run_id: 42 }, /run_id must be a string, got a number/],
    ] as const) {
      const result = (await alice.callTool({ name: 'get_process', arguments: args })) as { isError?: boolean };
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(expected);
      expect(textOf(result)).not.toMatch(/-32602|Input validation error|Invalid input|received undefined/);
    }
  });

  it("accepts every org header name Tallyfy's server accepts, and issues an Mcp-Session-Id it then echoes", async () => {
    for (const name of ['X-Tallyfy-Org-ID', 'X-Organization-ID', 'X-Org-ID', 'Organization-ID', 'Org-ID']) {
      const answer = await post(mcp.url, creds(sandboxTokens.alice, sandboxOrgs.acme, name));
      expect(answer.status, name).toBe(200);
    }
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    };
    const first = await post(mcp.url, creds(sandboxTokens.alice), init);
    const issued = first.headers['mcp-session-id'];
    expect(issued).toMatch(/^[0-9a-f-]{36}$/);
    const next = await post(mcp.url, { ...creds(sandboxTokens.alice), 'mcp-session-id': String(issued) });
    expect(next.status).toBe(200);
    expect(next.headers['mcp-session-id']).toBe(issued);
  });

  it('keeps two callers apart: alice and bob each see only their own data', async () => {
    const alice = await connect(mcp.url, creds(sandboxTokens.alice));
    const bob = await connect(mcp.url, creds(sandboxTokens.bob, sandboxOrgs.acme, 'X-Organization-ID'));
    // Interleave the calls so any mixing of servers or clients would show.
    const [aliceMe, bobMe, aliceTasks, bobTasks] = await Promise.all([
      alice.callTool({ name: 'get_me', arguments: {} }),
      bob.callTool({ name: 'get_me', arguments: {} }),
      alice.callTool({ name: 'get_my_tasks', arguments: { status: 'all' } }),
      bob.callTool({ name: 'get_my_tasks', arguments: { status: 'all' } }),
    ]);
    expect(JSON.parse(textOf(aliceMe))).toMatchObject({ id: sandboxUserIds.alice });
    expect(JSON.parse(textOf(bobMe))).toMatchObject({ id: sandboxUserIds.bob });
    const owners = (result: unknown): number[][] =>
      (JSON.parse(textOf(result)) as { data: { owners: { users: number[] } }[] }).data.map((item) => item.owners.users);
    expect(owners(aliceTasks).length).toBeGreaterThan(0);
    expect(owners(bobTasks).length).toBeGreaterThan(0);
    expect(owners(bobTasks).some((users) => users.includes(sandboxUserIds.bob))).toBe(true);
    expect(textOf(aliceTasks)).not.toBe(textOf(bobTasks));
    // And the sandbox saw each call with the caller's own token.
    const users = new Set(sandbox.requestLog.filter((entry) => entry.path.endsWith('/me/tasks')).map((entry) => entry.userId));
    expect(users).toEqual(new Set([sandboxUserIds.alice, sandboxUserIds.bob]));
  });

  it('refuses missing and bad credentials with 401 and a JSON-RPC error body', async () => {
    for (const headers of [
      {},
      { 'X-Tallyfy-Org-Id': sandboxOrgs.acme },
      creds('sandbox-wrong-token'),
      { Authorization: `Bearer ${sandboxTokens.alice}` },
      creds(sandboxTokens.alice, 'not-an-org'),
    ]) {
      const res = await post(mcp.url, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      const body = JSON.parse(res.body) as { jsonrpc: string; error: { code: number; message: string }; id: null };
      expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
      expect(res.body).not.toContain('sandbox-wrong-token');
    }
    await expect(connect(mcp.url, creds('sandbox-wrong-token'))).rejects.toThrow();
  });

  it('remembers a refusal for a while instead of asking Tallyfy again', async () => {
    const attempts = (): number =>
      sandbox.requestLog.filter((entry) => entry.path === `/organizations/${sandboxOrgs.acme}/me` && entry.status === 401).length;
    const before = attempts();
    for (let i = 0; i < 5; i++) expect((await post(mcp.url, creds('sandbox-repeated-bad-token'))).status).toBe(401);
    expect(attempts() - before).toBe(1);
  });

  it("refuses dave's token on alice's organization (403)", async () => {
    const res = await post(mcp.url, creds(sandboxTokens.dave));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: -32003 } });
    await expect(connect(mcp.url, creds(sandboxTokens.dave))).rejects.toThrow(/403|organization/);
    // On his own org dave is welcome.
    const dave = await connect(mcp.url, creds(sandboxTokens.dave, sandboxOrgs.beta));
    expect(JSON.parse(textOf(await dave.callTool({ name: 'get_me', arguments: {} })))).toMatchObject({ id: sandboxUserIds.dave });
  });

  it('refuses a foreign Origin or Host (DNS rebinding) with 403, before checking credentials', async () => {
    const before = sandbox.requestLog.length;
    const foreignOrigin = await post(mcp.url, { ...creds(sandboxTokens.alice), Origin: 'https://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect(JSON.parse(foreignOrigin.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32003 } });
    const foreignHost = await post(mcp.url, { ...creds(sandboxTokens.alice), Host: `evil.example:${mcp.port}` });
    expect(foreignHost.status).toBe(403);
    expect(sandbox.requestLog.length).toBe(before);
    await expect(connect(mcp.url, { ...creds(sandboxTokens.alice), Origin: 'http://attacker.test' })).rejects.toThrow();
    const local = await post(
      mcp.url,
      { ...creds(sandboxTokens.alice), Origin: `http://localhost:${mcp.port}` },
      { jsonrpc: '2.0', id: 1, method: 'ping' },
    );
    expect(local.status).toBe(200);
  });

  it('answers only POST /mcp (stateless: GET and DELETE get 405, other paths 404)', async () => {
    expect((await post(mcp.url, creds(sandboxTokens.alice), undefined, 'GET')).status).toBe(405);
    expect((await post(mcp.url, creds(sandboxTokens.alice), undefined, 'DELETE')).status).toBe(405);
    expect((await post(mcp.url.replace('/mcp', '/other'), creds(sandboxTokens.alice))).status).toBe(404);
  });

  it('verifies a credential set once and serves later requests from the cache', async () => {
    const verifications = (): number =>
      sandbox.requestLog.filter((entry) => entry.path === `/organizations/${sandboxOrgs.acme}/me` && entry.userId === sandboxUserIds.carol)
        .length;
    const before = verifications();
    const carol = await connect(mcp.url, creds(sandboxTokens.carol));
    await carol.listTools();
    await carol.callTool({ name: 'get_organization', arguments: {} });
    expect(verifications() - before).toBe(1);
    expect(mcp.cachedCredentials()).toBeGreaterThanOrEqual(1);
  });

  it('answers with SSE when configured so, and re-verifies after the cache expires', async () => {
    const raw = await post(sse.url, creds(sandboxTokens.alice), { jsonrpc: '2.0', id: 7, method: 'tools/list' });
    expect(raw.status).toBe(200);
    expect(String(raw.headers['content-type'])).toMatch(/text\/event-stream/);
    expect(raw.body).toMatch(/^event: message\ndata: \{"result"/m);
    const json = await post(mcp.url, creds(sandboxTokens.alice), { jsonrpc: '2.0', id: 8, method: 'tools/list' });
    expect(String(json.headers['content-type'])).toMatch(/application\/json/);
    const client = await connect(sse.url, creds(sandboxTokens.bob));
    expect(textOf(await client.callTool({ name: 'get_me', arguments: {} }))).toContain(`"id":${sandboxUserIds.bob}`);
    const count = (): number =>
      sandbox.requestLog.filter((entry) => entry.path.endsWith('/me') && entry.userId === sandboxUserIds.bob).length;
    const before = count();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await client.listTools();
    expect(count()).toBe(before + 1);
  });

  it('never writes a caller token to the log', async () => {
    await post(mcp.url, creds('sandbox-leaky-token-123'));
    const alice = await connect(mcp.url, creds(sandboxTokens.alice));
    await alice.callTool({ name: 'get_standalone_task', arguments: { task_id: 'ffffffffffffffffffffffffffffffff' } });
    const lines = JSON.stringify(ring.list());
    expect(lines.length).toBeGreaterThan(10);
    expect(lines).not.toContain('sandbox-leaky-token-123');
    expect(lines).not.toContain(sandboxTokens.alice);
  });
});

describe('MCP servers pooled per credential set', () => {
  /** A raw tools/call POST (no initialize: the endpoint is stateless), answered as JSON. */
  const callTool = async (url: string, token: string, name: string, id = 1): Promise<{ status: number; text: string }> => {
    const res = await post(url, creds(token), { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
    const body = JSON.parse(res.body) as { result?: unknown };
    return { status: res.status, text: body.result === undefined ? res.body : textOf(body.result) };
  };
  const meId = (text: string): number => (JSON.parse(text) as { id: number }).id;
  /** An endpoint of the test's own (closed by the test), on the shared sandbox. */
  const startOwn = (options: Partial<McpHttpOptions> = {}): Promise<McpHttp> =>
    startMcpHttp({ port: 0, tallyfyApiUrl: sandbox.url, logger: createLogger({ secrets, destination: null }), secrets, ...options });

  it('reuses the server for the next request with the same credentials', async () => {
    const http = await startOwn();
    try {
      const alice = await connect(http.url, creds(sandboxTokens.alice));
      await alice.listTools();
      const built = http.serversBuilt();
      expect(built).toBe(1);
      for (let i = 0; i < 3; i++) expect(meId(textOf(await alice.callTool({ name: 'get_me', arguments: {} })))).toBe(sandboxUserIds.alice);
      expect(meId((await callTool(http.url, sandboxTokens.alice, 'get_me')).text)).toBe(sandboxUserIds.alice);
      expect(http.serversBuilt()).toBe(built);
      expect(http.idleServers()).toBe(1);
    } finally {
      await http.close();
    }
  });

  it('serves concurrent requests with the same credentials, each on its own server', async () => {
    // Tallyfy answers /me/tasks only once both calls are in flight: serialised requests would hang.
    let waiting: Array<() => void> = [];
    const gatedFetch: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/me/tasks')) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) {
            for (const go of waiting) go();
            waiting = [];
          }
        });
      }
      return fetch(input, init);
    };
    const http = await startOwn({
      createClient: (options) => createTallyfyClient({ ...options, fetch: gatedFetch }),
    });
    try {
      expect((await callTool(http.url, sandboxTokens.alice, 'get_me')).status).toBe(200);
      expect(http.serversBuilt()).toBe(1);
      const [first, second] = await Promise.all([
        callTool(http.url, sandboxTokens.alice, 'get_my_tasks', 2),
        callTool(http.url, sandboxTokens.alice, 'get_my_tasks', 3),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.text).toBe(second.text);
      expect((JSON.parse(first.text) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      expect(http.serversBuilt()).toBe(2);
      expect(http.idleServers()).toBe(2);
    } finally {
      await http.close();
    }
  });

  it('serves a second burst of concurrent calls on the servers the first one built (no rebuild per request)', async () => {
    const burst = 8;
    // Tallyfy answers /me/tasks only once the whole burst is in flight, so every call is concurrent.
    let waiting: Array<() => void> = [];
    const gatedFetch: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/me/tasks')) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === burst) {
            for (const go of waiting) go();
            waiting = [];
          }
        });
      }
      return fetch(input, init);
    };
    const http = await startOwn({ createClient: (options) => createTallyfyClient({ ...options, fetch: gatedFetch }) });
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          Array.from({ length: burst }, (_, i) => callTool(http.url, sandboxTokens.alice, 'get_my_tasks', i + 1)),
        );
        expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: burst }, () => 200));
      }
      expect(http.serversBuilt()).toBe(burst);
      expect(http.idleServers()).toBe(burst);
    } finally {
      await http.close();
    }
  });

  it("sends the Tallyfy requests through the fetch it is given (createCore's lean one)", async () => {
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const http = await startOwn({ fetch: counting });
    try {
      expect(meId((await callTool(http.url, sandboxTokens.alice, 'get_me')).text)).toBe(sandboxUserIds.alice);
      expect(seen.some((url) => url.startsWith(sandbox.url) && url.endsWith('/me'))).toBe(true);
    } finally {
      await http.close();
    }
  });

  it('never lets two credential sets share a server', async () => {
    const http = await startOwn();
    try {
      expect(meId((await callTool(http.url, sandboxTokens.alice, 'get_me')).text)).toBe(sandboxUserIds.alice);
      expect([http.serversBuilt(), http.idleServers()]).toEqual([1, 1]);
      // Alice's server is idle, yet bob gets one of his own…
      expect(meId((await callTool(http.url, sandboxTokens.bob, 'get_me')).text)).toBe(sandboxUserIds.bob);
      expect([http.serversBuilt(), http.idleServers()]).toEqual([2, 2]);
      // …and each keeps answering as its own user, in any order.
      for (const [token, id] of [
        [sandboxTokens.bob, sandboxUserIds.bob],
        [sandboxTokens.alice, sandboxUserIds.alice],
        [sandboxTokens.bob, sandboxUserIds.bob],
      ] as const) {
        expect(meId((await callTool(http.url, token, 'get_me')).text)).toBe(id);
      }
      expect(http.serversBuilt()).toBe(2);
      // A refused credential set gets no server at all.
      expect((await callTool(http.url, sandboxTokens.dave, 'get_me')).status).toBe(403);
      expect(http.serversBuilt()).toBe(2);
    } finally {
      await http.close();
    }
  });

  it('drops the pooled servers when the credential set expires or is evicted', async () => {
    const http = await startOwn({ cacheTtlMs: 60, maxCachedCredentials: 1 });
    try {
      await callTool(http.url, sandboxTokens.alice, 'get_me');
      expect([http.serversBuilt(), http.idleServers()]).toEqual([1, 1]);
      await new Promise((resolve) => setTimeout(resolve, 90));
      // Expired: re-verified, and served by a new server, not the expired set's.
      expect(meId((await callTool(http.url, sandboxTokens.alice, 'get_me')).text)).toBe(sandboxUserIds.alice);
      expect([http.serversBuilt(), http.idleServers(), http.cachedCredentials()]).toEqual([2, 1, 1]);
      // Evicted (only one set fits): bob's arrival drops alice's pool.
      expect(meId((await callTool(http.url, sandboxTokens.bob, 'get_me')).text)).toBe(sandboxUserIds.bob);
      expect([http.serversBuilt(), http.idleServers(), http.cachedCredentials()]).toEqual([3, 1, 1]);
    } finally {
      await http.close();
    }
  });

  it.each(['json', 'sse'] as const)('close() ends a request in flight instead of waiting for it (%s)', async (responseMode) => {
    let arrived = (): void => undefined;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const http = await startOwn({
      responseMode,
      createClient: (options) =>
        createTallyfyClient({
          ...options,
          fetch: async (input, init) => {
            if (String(input instanceof Request ? input.url : input).includes('/me/tasks')) {
              arrived();
              await new Promise(() => undefined); // Tallyfy never answers
            }
            return fetch(input, init);
          },
        }),
    });
    const pending = post(http.url, creds(sandboxTokens.alice), {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'get_my_tasks', arguments: {} },
    });
    await inFlight;
    expect(http.serversBuilt()).toBe(1);
    await http.close();
    const outcome = await pending;
    // SSE: the stream ends without an answer; JSON: an explicit 503 instead of a hang.
    expect(outcome.body).not.toContain('"result"');
    if (responseMode === 'json') {
      expect(outcome.status).toBe(503);
      expect(JSON.parse(outcome.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32011 } });
    }
  });
});

describe('Host and Origin checks', () => {
  it('accepts this machine only', () => {
    expect(['127.0.0.1:9000', 'localhost:9000', 'localhost', '[::1]:9000', 'LOCALHOST:1'].every(isLocalHost)).toBe(true);
    expect([undefined, 'evil.example', '127.0.0.1.evil.example:9000', '10.0.0.5:9000', '[::2]:9000'].some(isLocalHost)).toBe(false);
    expect([undefined, 'http://localhost:5173', 'http://127.0.0.1', 'https://[::1]:8443'].every(isLocalOrigin)).toBe(true);
    expect(['https://evil.example', 'null', 'file://', 'http://localhost.evil.example', 'chrome-extension://abc'].some(isLocalOrigin)).toBe(
      false,
    );
  });
});
