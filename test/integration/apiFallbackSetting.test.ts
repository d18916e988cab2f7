import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { textReply } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient } from './support/wsClient';

let stack: Stack | undefined;
const clients: Array<TestClient | Client> = [];
afterEach(async () => {
  for (const client of clients.splice(0)) {
    if (client instanceof TestClient) client.ws.terminate();
    else await client.close();
  }
  await stack?.close();
  stack = undefined;
});

/** A fresh data dir whose settings.json holds `settings`. */
function dataDirWith(settings: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-api-fallback-'));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  return dir;
}

async function mcpClient(): Promise<Client> {
  const client = new Client({ name: 'api-fallback-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(stack!.addresses.mcpUrl!), {
      requestInit: { headers: { authorization: `Bearer ${sandboxTokens.alice}`, 'x-tallyfy-org-id': sandboxOrgs.acme } },
    }),
  );
  clients.push(client);
  return client;
}

/** The tool names the agent offered Claude for one query of a signed-in session. */
async function offeredToAgent(): Promise<string[]> {
  stack!.fake.setFallback(() => textReply('Hello.'));
  const client = await TestClient.open(stack!.url);
  clients.push(client);
  await client.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_success', 10_000);
  const done = client.next(['response', 'error'], 15_000);
  client.send({ type: 'query', content: 'hello' });
  await done;
  const body = stack!.fake.messageRequests.at(-1)?.body as { tools?: { name: string }[] } | undefined;
  return (body?.tools ?? []).map((tool) => tool.name);
}

describe('settings.json "apiFallback"', () => {
  it('true serves tallyfy_api_read / tallyfy_api_write over MCP HTTP and to the agent', async () => {
    stack = await startStack({ dataDir: dataDirWith({ apiFallback: true }), env: { GATEWAY_TOOL_LOADING: 'all' } });
    const mcp = await mcpClient();
    const names = (await mcp.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['tallyfy_api_read', 'tallyfy_api_write']));
    const read = await mcp.callTool({ name: 'tallyfy_api_read', arguments: { path: '/tags' } });
    expect(read.isError).toBeFalsy();
    expect(await offeredToAgent()).toEqual(expect.arrayContaining(['tallyfy_api_read', 'tallyfy_api_write']));
  });

  it('absent (the default) or overridden by GATEWAY_API_FALLBACK=0 keeps them off: not listed, a call refused', async () => {
    stack = await startStack({
      dataDir: dataDirWith({ apiFallback: true }),
      env: { GATEWAY_TOOL_LOADING: 'all', GATEWAY_API_FALLBACK: '0' },
    });
    const mcp = await mcpClient();
    const names = (await mcp.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('get_tags');
    expect(names).not.toContain('tallyfy_api_read');
    const refused = await mcp.callTool({ name: 'tallyfy_api_read', arguments: { path: '/tags' } }).catch((error: Error) => ({
      isError: true,
      content: [{ type: 'text', text: error.message }],
    }));
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/tallyfy_api_read/);
    const offered = await offeredToAgent();
    expect(offered).toContain('get_tags');
    expect(offered).not.toContain('tallyfy_api_read');
  });
});
