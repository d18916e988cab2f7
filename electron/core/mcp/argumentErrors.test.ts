/**
 * Wrong or missing tool arguments: the caller (an MCP host, or the agent's model and the chat) reads a
 * short human sentence naming the argument and what it needs, never the SDK's raw zod issue JSON.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { createTallyfyClient } from '../tallyfy/client';
import { sandboxIds as ids, sandboxOrgs, sandboxTokens } from '../tallyfy/sandbox/defaultSeed';
import { useSandbox } from '../tallyfy/sandbox/testing';

import { plainValidationText } from './argumentErrors';
import { createMcpServer } from './server/createMcpServer';
import { createInProcessToolHost, toolHostOverClient } from './transports/inProcessToolHost';

const sandbox = useSandbox();
const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const item of open.splice(0)) await item.close();
});

const client = () => createTallyfyClient({ baseUrl: sandbox.url, token: sandboxTokens.alice, orgId: sandboxOrgs.acme, maxRetries: 0 });

async function connect(): Promise<Client> {
  const server = createMcpServer(client());
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'argument-errors-test', version: '1.0.0' });
  await server.connect(serverSide);
  await mcp.connect(clientSide);
  open.push(mcp, server);
  return mcp;
}

async function errorText(mcp: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError).toBe(true);
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

/** What raw zod / SDK validation text looks like: none of it may reach a caller. */
function expectNoRawValidationText(text: string): void {
  expect(text).not.toMatch(/Input validation error|Invalid arguments for tool|MCP error|-32602/);
  expect(text).not.toMatch(/"code":|"path":|"expected":|invalid_type|\[\s*\{/);
  expect(text).not.toMatch(/received undefined|Invalid input/);
}

describe('tool argument errors in words', () => {
  it('a missing required argument is named, with what it needs', async () => {
    const text = await errorText(await connect(), 'get_process', {});
    expectNoRawValidationText(text);
    expect(text).toMatch(/run_id is required/);
    expect(text).toMatch(/32 hexadecimal characters/);
  });

  it('a wrong type says which argument, what it must be and what it got', async () => {
    const text = await errorText(await connect(), 'get_process', { run_id: 12345 });
    expectNoRawValidationText(text);
    expect(text).toMatch(/run_id must be a string/);
    expect(text).toMatch(/got a number/);
  });

  it('a nested argument is named by its path, and a bad id format keeps its own rule', async () => {
    const mcp = await connect();
    const nested = await errorText(mcp, 'update_template', { template_id: ids.vendorTemplate, template_data: { title: 7 } });
    expectNoRawValidationText(nested);
    expect(nested).toMatch(/template_data\.title must be a string/);
    const format = await errorText(mcp, 'get_process', { run_id: 'abc' });
    expectNoRawValidationText(format);
    expect(format).toMatch(/run_id must be a 32-character hexadecimal/);
  });

  it('an enum value lists the accepted values', async () => {
    const text = await errorText(await connect(), 'get_organization_runs', { status: 'sleeping' });
    expectNoRawValidationText(text);
    expect(text).toMatch(/status must be one of: /);
  });

  it('the agent path (in-process tool host) gets the same words', async () => {
    const host = await createInProcessToolHost(client());
    open.push(host);
    const missing = await host.callTool('complete_task', { task_id: ids.vendorErpTask });
    expect(missing.isError).toBe(true);
    expectNoRawValidationText(missing.text);
    expect(missing.text).toMatch(/run_id is required/);
    const wrongType = await host.callTool('get_my_tasks', { per_page: 'ten' });
    expect(wrongType.isError).toBe(true);
    expectNoRawValidationText(wrongType.text);
    expect(wrongType.text).toMatch(/per_page must be a number/);
  });

  it('a server the gateway did not build (an external MCP_SERVER_URL) gets its raw validation text rewritten on the agent path', async () => {
    const raw = new McpServer({ name: 'external', version: '1.0.0' });
    raw.registerTool(
      'get_process',
      { inputSchema: { run_id: z.string().describe('The process (run) id. 32 hex characters.'), limit: z.number().optional() } },
      async () => ({ content: [{ type: 'text', text: 'ok' }] }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const mcp = new Client({ name: 'external-test', version: '1.0.0' });
    await raw.connect(serverSide);
    await mcp.connect(clientSide);
    open.push(mcp, raw);
    const host = toolHostOverClient(mcp);
    await host.listTools();
    const missing = await host.callTool('get_process', {});
    expect(missing.isError).toBe(true);
    expectNoRawValidationText(missing.text);
    expect(missing.text).toBe(
      'Could not run get_process: run_id is required (the process (run) id). Fix the arguments and call get_process again.',
    );
    const wrong = await host.callTool('get_process', { run_id: 'x', limit: 'ten' });
    expectNoRawValidationText(wrong.text);
    expect(wrong.text).toMatch(/limit must be a number, got text/);
  });

  it('rewrites the other raw shapes too: a JSON issue list and JSON Schema wording; leaves other errors alone', () => {
    const json = plainValidationText(
      'get_task',
      'MCP error -32602: Invalid arguments for tool get_task: [{"code":"invalid_type","expected":"string","received":"undefined","path":["task_id"],"message":"Required"}]',
    );
    expectNoRawValidationText(json);
    expect(json).toMatch(/task_id: Required|task_id is required/);
    expect(plainValidationText('get_task', "Input validation error: 'task_id' is a required property")).toMatch(/task_id is required/);
    expect(plainValidationText('get_task', 'Tallyfy answered 404: not found')).toBe('Tallyfy answered 404: not found');
  });
});
