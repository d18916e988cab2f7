import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../log/logger';
import { SecretRegistry } from '../../log/redact';
import { startSandbox, type Sandbox } from '../../tallyfy/sandbox';

import { startMcpHttp, type McpHttp } from './httpServer';
import { createRemoteToolHost } from './remoteToolHost';

const acme = 'a0000000000000000000000000000001';
let sandbox: Sandbox;
let mcp: McpHttp;

beforeAll(async () => {
  sandbox = await startSandbox();
  const secrets = new SecretRegistry();
  mcp = await startMcpHttp({ port: 0, tallyfyApiUrl: sandbox.url, secrets, logger: createLogger({ secrets, destination: null }) });
});

afterAll(async () => {
  await mcp.close();
  await sandbox.close();
});

describe('createRemoteToolHost (MCP_SERVER_URL)', () => {
  it("lists and calls tools on an external MCP server with the session's own credentials", async () => {
    const host = await createRemoteToolHost({ url: mcp.url, apiKey: 'sandbox-bob', orgId: acme });
    try {
      const tools = await host.listTools();
      expect(tools.length).toBeGreaterThanOrEqual(45);
      expect(tools.find((tool) => tool.name === 'get_my_tasks')?.annotations?.readOnlyHint).toBe(true);
      const me = await host.callTool('get_me', {});
      expect(me.isError).toBe(false);
      expect(me.text).toContain('bob@acme.example');
      const unknown = await host.callTool('no_such_tool', {});
      expect(unknown.isError).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('fails to connect with credentials the server refuses', async () => {
    await expect(createRemoteToolHost({ url: mcp.url, apiKey: 'sandbox-dave', orgId: acme })).rejects.toThrow();
  });
});
