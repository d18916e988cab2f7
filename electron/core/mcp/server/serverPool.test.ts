import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';

import { forgetClient } from './sdkCompat';
import { createMcpServerPool } from './serverPool';

/** A gate a tool handler waits on, opened by the test. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** A tiny server: `who` names the client this server believes it talks to; `slow` waits for `gates[0]`. */
function buildServer(gates: Array<{ wait: Promise<void> }>, aborted: boolean[]): McpServer {
  const server = new McpServer({ name: 'pool-test', version: '1' }, { capabilities: { tools: {} } });
  server.registerTool('who', { description: 'client name' }, () => ({
    content: [{ type: 'text', text: server.server.getClientVersion()?.name ?? 'nobody' }],
  }));
  server.registerTool('slow', { description: 'waits' }, async (extra) => {
    await gates.shift()?.wait;
    aborted.push(extra.signal.aborted);
    return { content: [{ type: 'text', text: 'slow done' }] };
  });
  return server;
}

/** Connects `server` to a new in-memory pair and a real MCP client named `name`. */
async function connectClient(server: McpServer, name: string): Promise<{ client: Client; errors: Error[] }> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name, version: '1' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(clientSide);
  return { client, errors };
}

const text = (result: unknown): string =>
  (result as CallToolResult).content.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('createMcpServerPool', () => {
  it('hands the same server to the next request once the previous transport closed', async () => {
    const pool = createMcpServerPool(() => buildServer([], []));
    const first = pool.acquire();
    expect(pool.busy()).toBe(1);
    const a = await connectClient(first, 'a');
    expect(text(await a.client.callTool({ name: 'who', arguments: {} }))).toBe('a');
    await a.client.close();
    expect(first.isConnected()).toBe(false);
    expect([pool.idle(), pool.busy()]).toEqual([1, 0]);
    const second = pool.acquire();
    expect(second).toBe(first);
    const b = await connectClient(second, 'b');
    expect(text(await b.client.callTool({ name: 'who', arguments: {} }))).toBe('b');
    await b.client.close();
    expect(pool.built()).toBe(1);
  });

  it("forgets the previous client's initialize (name, capabilities) before reuse", async () => {
    const pool = createMcpServerPool(() => buildServer([], []));
    const server = pool.acquire();
    const a = await connectClient(server, 'first-client');
    expect(server.server.getClientVersion()?.name).toBe('first-client');
    expect(server.server.getClientCapabilities()).toBeDefined();
    await a.client.close();
    // Fails if the SDK renames the private fields forgetClient clears.
    expect(server.server.getClientVersion()).toBeUndefined();
    expect(server.server.getClientCapabilities()).toBeUndefined();
    // A request without initialize (stateless HTTP) then sees no client at all.
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const reused = pool.acquire();
    expect(reused).toBe(server);
    await reused.connect(serverSide);
    const answer = new Promise<unknown>((resolve) => (clientSide.onmessage = resolve));
    await clientSide.start();
    await clientSide.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'who', arguments: {} } });
    expect(text(((await answer) as { result: unknown }).result)).toBe('nobody');
    await clientSide.close();
    forgetClient(reused); // idempotent
  });

  it('builds another server while one is busy, so concurrent requests each get their own', async () => {
    const release = gate();
    const pool = createMcpServerPool(() => buildServer([release], []));
    const one = pool.acquire();
    const a = await connectClient(one, 'a');
    const slow = a.client.callTool({ name: 'slow', arguments: {} });
    const two = pool.acquire();
    expect(two).not.toBe(one);
    const b = await connectClient(two, 'b');
    expect(text(await b.client.callTool({ name: 'who', arguments: {} }))).toBe('b');
    release.open();
    expect(text(await slow)).toBe('slow done');
    await Promise.all([a.client.close(), b.client.close()]);
    expect([pool.built(), pool.idle(), pool.busy()]).toEqual([2, 2, 0]);
  });

  it('keeps at most maxIdle idle servers', async () => {
    const pool = createMcpServerPool(() => buildServer([], []), { maxIdle: 1 });
    const servers = [pool.acquire(), pool.acquire(), pool.acquire()];
    const clients = await Promise.all(servers.map((server, i) => connectClient(server, `c${i}`)));
    await Promise.all(clients.map(({ client }) => client.close()));
    expect([pool.built(), pool.idle(), pool.busy()]).toEqual([3, 1, 0]);
  });

  it('keeps as many idle servers as were busy at once, so the next burst of the same size builds none', async () => {
    const pool = createMcpServerPool(() => buildServer([], []));
    const burst = async (): Promise<void> => {
      const servers = Array.from({ length: 12 }, () => pool.acquire());
      const clients = await Promise.all(servers.map((server, i) => connectClient(server, `c${i}`)));
      await Promise.all(clients.map(({ client }) => client.close()));
    };
    await burst();
    expect([pool.built(), pool.idle()]).toEqual([12, 12]);
    await burst();
    await burst();
    expect([pool.built(), pool.idle(), pool.busy()]).toEqual([12, 12, 0]);
  });

  it('trim lets idle servers go down to what the last window needed', async () => {
    const pool = createMcpServerPool(() => buildServer([], []));
    const servers = Array.from({ length: 6 }, () => pool.acquire());
    const clients = await Promise.all(servers.map((server, i) => connectClient(server, `c${i}`)));
    await Promise.all(clients.map(({ client }) => client.close()));
    expect(pool.idle()).toBe(6);
    pool.trim(); // the window that saw 6 busy at once ends: its servers stay for the next one
    expect(pool.idle()).toBe(6);
    const one = await connectClient(pool.acquire(), 'one');
    await one.client.close();
    pool.trim(); // that window needed one server
    expect(pool.idle()).toBe(1);
    pool.trim(); // and the next none
    expect(pool.idle()).toBe(0);
    expect(pool.built()).toBe(6);
  });

  it('a handler still running after its transport closed never answers into the next request', async () => {
    const release = gate();
    const aborted: boolean[] = [];
    const pool = createMcpServerPool(() => buildServer([release], aborted));
    const server = pool.acquire();
    const a = await connectClient(server, 'a');
    void a.client.callTool({ name: 'slow', arguments: {} }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await a.client.close(); // the caller goes away mid-call
    const again = pool.acquire();
    expect(again).toBe(server);
    const b = await connectClient(again, 'b');
    release.open(); // the abandoned handler finishes now
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(text(await b.client.callTool({ name: 'who', arguments: {} }))).toBe('b');
    expect(aborted).toEqual([true]);
    expect(b.errors).toEqual([]); // no stray response for an id b never sent
    await b.client.close();
  });

  it('retire drops idle servers and keeps no busy one; close also ends requests in flight', async () => {
    const pool = createMcpServerPool(() => buildServer([gate()], []));
    const idle = pool.acquire();
    const busy = pool.acquire();
    const a = await connectClient(idle, 'a');
    await a.client.close();
    const b = await connectClient(busy, 'b');
    let bClosed = false;
    b.client.onclose = () => (bClosed = true);
    pool.retire();
    expect(pool.idle()).toBe(0);
    expect(pool.acquire()).not.toBe(idle);
    const pending = b.client.callTool({ name: 'slow', arguments: {} });
    await pool.close();
    expect(bClosed).toBe(true);
    await expect(pending).rejects.toThrow(/closed/i);
    expect(busy.isConnected()).toBe(false);
    expect(pool.idle()).toBe(0);
  });
});
