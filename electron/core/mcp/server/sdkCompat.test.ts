import { readFileSync } from 'node:fs';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';

import { forgetClient, sdkRequestHandler, testedSdkVersion } from './sdkCompat';

/** A server with one tool, connected to a real client named `name` over an in-memory pair. */
async function connected(name: string): Promise<{ server: McpServer; client: Client }> {
  const server = new McpServer({ name: 'compat', version: '1' }, { capabilities: { tools: {} } });
  server.registerTool('ping', { description: 'answers pong' }, () => ({ content: [{ type: 'text', text: 'pong' }] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name, version: '1' }, { capabilities: { elicitation: {} } });
  await client.connect(clientSide);
  return { server, client };
}

// If one of these fails after an SDK upgrade: re-read the SDK's private fields used by
// sdkCompat.ts (Server._clientCapabilities/_clientVersion, Protocol._requestHandlers), fix them, and
// set testedSdkVersion to the new version.
describe('sdkCompat: the SDK private shape it relies on', () => {
  it('was written against the installed @modelcontextprotocol/sdk version', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../../../node_modules/@modelcontextprotocol/sdk/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(manifest.version).toBe(testedSdkVersion);
  });

  it("forgetClient clears a connected client's initialize (name and capabilities) and says so", async () => {
    const { server, client } = await connected('first-client');
    expect(server.server.getClientVersion()?.name).toBe('first-client');
    expect(server.server.getClientCapabilities()?.elicitation).toBeDefined();
    await client.close();
    expect(forgetClient(server)).toBe(true);
    expect(server.server.getClientVersion()).toBeUndefined();
    expect(server.server.getClientCapabilities()).toBeUndefined();
  });

  it('forgetClient reports false when the client state is kept somewhere else', () => {
    const moved = { server: { getClientCapabilities: () => ({}), getClientVersion: () => ({ name: 'still here', version: '1' }) } };
    expect(forgetClient(moved as unknown as McpServer)).toBe(false);
  });

  it("sdkRequestHandler finds the SDK's own tools/list handler, which answers the registered tools", async () => {
    const { server, client } = await connected('lister');
    const handler = sdkRequestHandler(server, 'tools/list');
    expect(handler).toBeTypeOf('function');
    const answer = (await handler!({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }, {})) as { tools: Array<{ name: string }> };
    expect(answer.tools.map((tool) => tool.name)).toEqual(['ping']);
    expect(sdkRequestHandler(server, 'no/such/method')).toBeUndefined();
    await client.close();
  });
});
