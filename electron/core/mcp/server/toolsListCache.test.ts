import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';

import { createTallyfyClient } from '../../tallyfy/client';

import { allTools } from '../catalog';

import { createMcpServer } from './createMcpServer';
import { sdkRequestHandler } from './sdkCompat';
import { cacheToolsList } from './toolsListCache';

const tallyfy = createTallyfyClient({
  baseUrl: 'http://127.0.0.1:9',
  token: 't',
  orgId: '0'.repeat(32),
  fetch: () => Promise.reject(new Error('offline')),
});

async function listTools(catalog: object | undefined): Promise<{ tools: unknown[] }> {
  const server = createMcpServer(tallyfy);
  if (catalog) cacheToolsList(server, catalog);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'cache-test', version: '1' });
  await client.connect(clientSide);
  const { tools } = await client.listTools();
  await client.close();
  return { tools };
}

describe('cacheToolsList', () => {
  it("answers exactly what the SDK's own handler answers, from any server built from the same catalog", async () => {
    const uncached = await listTools(undefined);
    const catalog = {};
    const first = await listTools(catalog);
    const second = await listTools(catalog);
    expect(uncached.tools.length).toBeGreaterThan(allTools.length / 2);
    expect(first.tools).toEqual(uncached.tools);
    expect(second.tools).toEqual(uncached.tools);
  });

  it('computes the list once per catalog: a second server answers without rebuilding the schemas', async () => {
    const catalog = {};
    await listTools(catalog);
    const server = createMcpServer(tallyfy);
    cacheToolsList(server, catalog);
    // The cached answer is the same object each time; the SDK's handler builds a new one per call.
    const handler = sdkRequestHandler(server, 'tools/list')!;
    const request = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    expect(await handler(request, {})).toBe(await handler(request, {}));
    const fresh = createMcpServer(tallyfy);
    const sdk = sdkRequestHandler(fresh, 'tools/list')!;
    expect(await sdk(request, {})).not.toBe(await sdk(request, {}));
  });
});
