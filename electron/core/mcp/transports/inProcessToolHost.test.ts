import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SecretRegistry } from '../../log/redact';
import { createTallyfyClient } from '../../tallyfy/client';
import { sandboxIds, sandboxOrgs, sandboxTokens, sandboxUserIds } from '../../tallyfy/sandbox/defaultSeed';
import { startSandbox, type Sandbox } from '../../tallyfy/sandbox/server';

import { allTools } from '../catalog';
import { apiFallbackTools } from '../server/createMcpServer';

import { createInProcessToolHost, ToolHostClosedError } from './inProcessToolHost';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

const clientFor = (token: string) => createTallyfyClient({ baseUrl: sandbox.url, token, orgId: sandboxOrgs.acme, maxRetries: 0 });

describe('createInProcessToolHost', () => {
  it('lists the tools with JSON Schemas and annotations, and runs them', async () => {
    const host = await createInProcessToolHost(clientFor(sandboxTokens.alice));
    try {
      const tools = await host.listTools();
      expect(tools).toHaveLength(allTools.length - apiFallbackTools.length); // the raw API tools are off by default
      const complete = tools.find((tool) => tool.name === 'complete_task');
      expect(complete?.inputSchema).toMatchObject({ type: 'object', required: ['run_id', 'task_id'] });
      expect(complete?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, title: 'Complete a task' });
      expect(await host.listTools()).toBe(tools); // fetched once
      const outcome = await host.callTool('get_me', {});
      expect(outcome.isError).toBe(false);
      expect(JSON.parse(outcome.text)).toMatchObject({ id: sandboxUserIds.alice });
    } finally {
      await host.close();
    }
  });

  it('reports failures as isError outcomes, never as rejections', async () => {
    const host = await createInProcessToolHost(clientFor(sandboxTokens.alice));
    try {
      expect(await host.callTool('no_such_tool', {})).toMatchObject({ isError: true, text: expect.stringMatching(/no_such_tool/) });
      expect(await host.callTool('get_task', { task_id: 'nope' })).toMatchObject({
        isError: true,
        text: expect.stringMatching(/32-character hexadecimal/),
      });
      expect(await host.callTool('get_standalone_task', { task_id: 'ffffffffffffffffffffffffffffffff' })).toMatchObject({
        isError: true,
        text: expect.stringMatching(/404/),
      });
    } finally {
      await host.close();
    }
  });

  it('scrubs registered secrets from results', async () => {
    const secrets = new SecretRegistry();
    secrets.add('Renew insurance');
    const host = await createInProcessToolHost(clientFor(sandboxTokens.alice), { secrets });
    try {
      const outcome = await host.callTool('get_standalone_task', { task_id: sandboxIds.oneOffTask });
      expect(outcome.isError).toBe(false);
      expect(outcome.text).not.toContain('Renew insurance');
      expect(outcome.text).toContain('[redacted]');
    } finally {
      await host.close();
    }
  });

  it('binds each host to its own credentials', async () => {
    const [alice, bob] = await Promise.all([
      createInProcessToolHost(clientFor(sandboxTokens.alice)),
      createInProcessToolHost(clientFor(sandboxTokens.bob)),
    ]);
    try {
      const [a, b] = await Promise.all([alice.callTool('get_me', {}), bob.callTool('get_me', {})]);
      expect(JSON.parse(a.text)).toMatchObject({ id: sandboxUserIds.alice });
      expect(JSON.parse(b.text)).toMatchObject({ id: sandboxUserIds.bob });
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('rejects calls after close, and when aborted', async () => {
    const host = await createInProcessToolHost(clientFor(sandboxTokens.alice));
    const controller = new AbortController();
    controller.abort();
    await expect(host.callTool('get_me', {}, controller.signal)).rejects.toThrow();
    await host.close();
    await host.close(); // twice is fine
    await expect(host.callTool('get_me', {})).rejects.toBeInstanceOf(ToolHostClosedError);
  });
});
