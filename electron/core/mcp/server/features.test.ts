/**
 * The MCP features beyond tools, through a real SDK client against the sandbox: logging levels and
 * notifications, resources with URI templates, prompts, completions, progress and cancellation.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';

import { createTallyfyClient } from '../../tallyfy/client';
import type { RequestInfo } from '../../tallyfy/http';
import { sandboxIds as ids, sandboxOrgs, sandboxTokens, sandboxUserIds as U } from '../../tallyfy/sandbox/defaultSeed';
import { useSandbox } from '../../tallyfy/sandbox/testing';

import { createMcpServer } from './createMcpServer';

const sandbox = useSandbox();
const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const item of open.splice(0)) await item.close();
});

const attempts: RequestInfo[] = [];

async function connect(): Promise<{ mcp: Client; logs: LoggingMessageNotification['params'][] }> {
  const client = createTallyfyClient({
    baseUrl: sandbox.url,
    token: sandboxTokens.alice,
    orgId: sandboxOrgs.acme,
    maxRetries: 0,
    onRequest: (info) => attempts.push(info),
  });
  const server = createMcpServer(client);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'features-test', version: '1.0.0' });
  const logs: LoggingMessageNotification['params'][] = [];
  mcp.setNotificationHandler(LoggingMessageNotificationSchema, (note) => void logs.push(note.params));
  await server.connect(serverSide);
  await mcp.connect(clientSide);
  open.push(mcp, server);
  return { mcp, logs };
}

describe('MCP features beyond tools', () => {
  it('declares logging, resources, prompts and completions', async () => {
    const { mcp } = await connect();
    expect(mcp.getServerCapabilities()).toMatchObject({ logging: {}, resources: {}, prompts: {}, completions: {}, tools: {} });
  });

  it('sends tool-call log messages only at or above the level set, without arguments', async () => {
    const { mcp, logs } = await connect();
    await mcp.callTool({ name: 'get_me', arguments: {} });
    expect(logs).toEqual([]); // nothing until a level is set
    await mcp.setLoggingLevel('info');
    await mcp.callTool({ name: 'get_guest', arguments: { email: 'sam@acme-supplies.example' } });
    await mcp.callTool({ name: 'get_task', arguments: { run_id: ids.vendorRun, task_id: 'ffffffffffffffffffffffffffffffff' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logs.map((log) => [log.level, (log.data as { tool: string }).tool])).toEqual([
      ['info', 'get_guest'],
      ['error', 'get_task'],
    ]);
    expect(JSON.stringify(logs)).not.toContain('sam@acme-supplies.example');
    expect(JSON.stringify(logs)).not.toContain(sandboxTokens.alice);
    await mcp.setLoggingLevel('debug');
    await mcp.callTool({ name: 'get_me', arguments: {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logs.slice(2).map((log) => log.level)).toEqual(['debug', 'info']);
  });

  it('lists starred templates and open processes as resources, and reads them as lean JSON by URI template', async () => {
    const { mcp } = await connect();
    const { resources } = await mcp.listResources();
    const uris = resources.map((resource) => resource.uri);
    expect(uris).toContain(`tallyfy://processes/${ids.vendorRun}`);
    expect(uris).not.toContain(`tallyfy://processes/${ids.archivedRun}`);
    const starred = sandbox.state.orgs.get(sandboxOrgs.acme)?.templates.filter((template) => template.starred) ?? [];
    for (const template of starred) expect(uris).toContain(`tallyfy://templates/${template.id}`);
    const { resourceTemplates } = await mcp.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate).sort()).toEqual([
      'tallyfy://members/{user_id}',
      'tallyfy://processes/{run_id}',
      'tallyfy://tasks/{task_id}',
      'tallyfy://templates/{template_id}',
    ]);
    const template = await mcp.readResource({ uri: `tallyfy://templates/${ids.vendorTemplate}` });
    const body = JSON.parse((template.contents[0] as { text: string }).text) as { id: string; prerun: unknown[]; steps: unknown[] };
    expect(body.id).toBe(ids.vendorTemplate);
    expect(body.steps.length).toBeGreaterThan(0);
    const member = await mcp.readResource({ uri: `tallyfy://members/${U.bob}` });
    expect(JSON.parse((member.contents[0] as { text: string }).text)).toMatchObject({ id: U.bob, email: 'bob@acme.example' });
    const task = await mcp.readResource({ uri: `tallyfy://tasks/${ids.vendorApprovalTask}` });
    expect(JSON.parse((task.contents[0] as { text: string }).text)).toMatchObject({ id: ids.vendorApprovalTask });
  });

  it('offers prompts with arguments, and completes template names and resource variables from live data', async () => {
    const { mcp } = await connect();
    const { prompts } = await mcp.listPrompts();
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual(['automation_audit', 'launch_process', 'my_day', 'template_health_review']);
    const launch = await mcp.getPrompt({ name: 'launch_process', arguments: { template: 'Vendor Onboarding' } });
    expect((launch.messages[0]?.content as { text: string }).text).toMatch(/"Vendor Onboarding".*get_kickoff_fields.*launch_process/);
    const names = await mcp.complete({
      ref: { type: 'ref/prompt', name: 'template_health_review' },
      argument: { name: 'template', value: 'vend' },
    });
    expect(names.completion.values).toContain('Vendor Onboarding');
    const runIds = await mcp.complete({
      ref: { type: 'ref/resource', uri: 'tallyfy://processes/{run_id}' },
      argument: { name: 'run_id', value: 'Dana' },
    });
    expect(runIds.completion.values).toEqual([ids.onboardingRun]);
    const members = await mcp.complete({
      ref: { type: 'ref/resource', uri: 'tallyfy://members/{user_id}' },
      argument: { name: 'user_id', value: 'okafor' },
    });
    expect(members.completion.values).toEqual([String(U.bob)]);
  });

  it('announces outputSchema on the main read tools and answers them with structuredContent too', async () => {
    const { mcp } = await connect();
    const { tools } = await mcp.listTools();
    const withSchema = tools.filter((tool) => tool.outputSchema).map((tool) => tool.name);
    expect(withSchema).toEqual(expect.arrayContaining(['get_my_tasks', 'get_organization_runs', 'get_template', 'get_task', 'get_me']));
    expect(tools.filter((tool) => tool.outputSchema).every((tool) => tool.annotations?.readOnlyHint)).toBe(true);
    const result = await mcp.callTool({ name: 'get_organization_runs', arguments: { per_page: 2 } });
    const structured = result.structuredContent as { data: { id: string }[]; meta: { truncated: boolean } };
    expect(structured.data).toHaveLength(2);
    expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? '')).toEqual(structured);
  });

  it('reports progress when the caller sends a progressToken', async () => {
    const { mcp } = await connect();
    const seen: { progress: number; total?: number }[] = [];
    await mcp.callTool({ name: 'get_my_tasks', arguments: {} }, undefined, { onprogress: (note) => void seen.push(note) });
    expect(seen.map((note) => note.progress)).toEqual([0, 1]);
  });

  it('aborts the Tallyfy request in flight when the caller cancels', async () => {
    const { mcp } = await connect();
    attempts.length = 0;
    sandbox.faults.set({ hangNext: 1, match: '/me/tasks' });
    const controller = new AbortController();
    const pending = mcp.callTool({ name: 'get_my_tasks', arguments: {} }, undefined, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort('changed my mind');
    await expect(pending).rejects.toThrow();
    // The server heard notifications/cancelled and aborted its fetch: an attempt without a response, long before any timeout.
    for (let waited = 0; waited < 3_000 && !attempts.some((info) => info.path.includes('/me/tasks')); waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const aborted = attempts.find((info) => info.path.includes('/me/tasks'));
    expect(aborted).toMatchObject({ status: 0 });
    expect(aborted?.durationMs).toBeLessThan(5_000);
  });
});
