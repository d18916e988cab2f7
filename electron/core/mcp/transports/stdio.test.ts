import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxIds, sandboxOrgs, sandboxTokens, sandboxUserIds } from '../../tallyfy/sandbox/defaultSeed';
import { startSandbox, type Sandbox } from '../../tallyfy/sandbox/server';

import { allTools } from '../catalog';
import { apiFallbackTools } from '../server/createMcpServer';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const entry = 'electron/core/mcp/transports/stdio.ts';
const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

/** Runs the stdio entry to completion with `env`, collecting its output. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [entry], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run mcp:stdio', () => {
  it('serves the tools over stdio to the SDK stdio client, acting as the configured user', async () => {
    const transport = new StdioClientTransport({
      command: tsx,
      args: [entry],
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TALLYFY_API_KEY: sandboxTokens.bob,
        TALLYFY_ORG_ID: sandboxOrgs.acme,
        TALLYFY_API_URL: sandbox.url,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(
        allTools
          .map((tool) => tool.name)
          .filter((name) => !apiFallbackTools.includes(name))
          .sort(),
      );
      const me = (await client.callTool({ name: 'get_me', arguments: {} })) as CallToolResult;
      expect(me.content[0]).toMatchObject({ type: 'text' });
      expect(JSON.parse((me.content[0] as { text: string }).text)).toMatchObject({ id: sandboxUserIds.bob, role: 'standard' });
      const comment = (await client.callTool({
        name: 'add_task_comment',
        arguments: { task_id: sandboxIds.paperworkTask, content: 'Sent from stdio' },
      })) as CallToolResult;
      expect(comment.isError).toBeFalsy();
      expect(
        sandbox.state.orgs
          .get(sandboxOrgs.acme)
          ?.threads.some((thread) => thread.content === 'Sent from stdio' && thread.author_id === sandboxUserIds.bob),
      ).toBe(true);
    } finally {
      await client.close();
    }
  }, 30_000);

  it('exits 2 with a clear message on standard error when credentials are missing, printing nothing on stdout', async () => {
    const result = await runToExit({ TALLYFY_API_URL: sandbox.url });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/mcp:stdio: set TALLYFY_API_KEY and TALLYFY_ORG_ID/);
  }, 30_000);

  it('exits 1 when Tallyfy refuses the credentials, without echoing the token', async () => {
    const result = await runToExit({
      TALLYFY_API_KEY: 'sandbox-stdio-wrong-token',
      TALLYFY_ORG_ID: sandboxOrgs.acme,
      TALLYFY_API_URL: sandbox.url,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/refused the credentials/);
    expect(result.stderr).not.toContain('sandbox-stdio-wrong-token');
  }, 30_000);
});
