import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger, LogRing } from '../../log/logger';
import { SecretRegistry } from '../../log/redact';
import { sandboxOrgs, sandboxTokens } from '../../tallyfy/sandbox/defaultSeed';
import { startSandbox, type Sandbox } from '../../tallyfy/sandbox/server';

import { startMcpHttp, type McpHttp } from './httpServer';

let sandbox: Sandbox;
let mcp: McpHttp;
const roles: (string | undefined)[] = [];

function post(
  body: string,
): Promise<{ status: number; json: { id?: unknown; error?: { code: number; message: string }; result?: unknown } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      mcp.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${sandboxTokens.carol}`,
          'x-tallyfy-org-id': sandboxOrgs.acme,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as never }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  const secrets = new SecretRegistry();
  mcp = await startMcpHttp({
    port: 0,
    tallyfyApiUrl: sandbox.url,
    secrets,
    logger: createLogger({ level: 'error', secrets, ring: new LogRing(), destination: null }),
    maxBodyBytes: 4096,
    toolRules: (role) => {
      roles.push(role);
      return { disabled: new Set(['get_tags']), refusal: (tool) => `The tool ${tool} is disabled by the test policy.` };
    },
  });
});

afterAll(async () => {
  await mcp?.close();
  await sandbox?.close();
});

describe('the MCP endpoint with a tool policy', () => {
  it('answers a call of a disabled tool with a JSON-RPC error for that request id, reading the caller role from Tallyfy', async () => {
    const refused = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get_tags', arguments: {} } }),
    );
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32012, message: 'The tool get_tags is disabled by the test policy.' },
    });
    expect(roles.at(-1)).toBe('light');
    // Anything else still reaches the MCP server (which, stateless, answers it).
    const listed = await post(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/list' }));
    expect(listed.status).toBe(200);
    expect(listed.json.id).toBe(8);
  });

  it('refuses a body that is not JSON, and one over the size limit, with clear errors', async () => {
    expect(await post('{"jsonrpc":')).toMatchObject({
      status: 400,
      json: { error: { code: -32700, message: expect.stringMatching(/not valid JSON/) } },
    });
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(5000) } });
    expect(await post(big)).toMatchObject({ status: 413, json: { error: { message: expect.stringMatching(/too large/) } } });
  });
});
