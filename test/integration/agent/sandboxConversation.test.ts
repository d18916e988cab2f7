/**
 * The "done when": with ANTHROPIC_BASE_URL pointing at the fake, a question that needs two
 * tool rounds is answered from the Tallyfy sandbox's real data through the real in-process MCP tool
 * host, and usage is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAgent } from '../../../electron/core/agent/agent';
import type { ToolHost } from '../../../electron/core/mcp/toolHost';
import { createInProcessToolHost } from '../../../electron/core/mcp/transports/inProcessToolHost';
import { createTallyfyClient } from '../../../electron/core/tallyfy/client';
import { sandboxOrgs, sandboxTokens } from '../../../electron/core/tallyfy/sandbox/defaultSeed';
import { startSandbox, type Sandbox } from '../../../electron/core/tallyfy/sandbox/server';
import { startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic/fakeAnthropic';
import { lastToolResults, resultItems, textReply, toolReply } from '../../fakes/anthropic/replies';

import { quietLogger, recorder } from './harness';

let sandbox: Sandbox;
let fake: FakeAnthropic;
let tools: ToolHost;
const savedBaseUrl = process.env.ANTHROPIC_BASE_URL;

beforeAll(async () => {
  sandbox = await startSandbox();
  fake = await startFakeAnthropic();
  process.env.ANTHROPIC_BASE_URL = fake.url;
  tools = await createInProcessToolHost(createTallyfyClient({ baseUrl: sandbox.url, token: sandboxTokens.alice, orgId: sandboxOrgs.acme, maxRetries: 0 }));
});
afterAll(async () => {
  if (savedBaseUrl === undefined) delete process.env.ANTHROPIC_BASE_URL;
  else process.env.ANTHROPIC_BASE_URL = savedBaseUrl;
  await tools.close();
  await fake.close();
  await sandbox.close();
});

interface ListedTask {
  id: string;
  title: string;
  run_id?: string;
  status: string;
}

describe('agent + real MCP tools + Tallyfy sandbox + fake Anthropic', () => {
  it('answers a two-round tool question from the sandbox data, with usage and cache reads recorded', async () => {
    fake.enqueue(
      toolReply([{ name: 'get_my_tasks', input: {} }], 'Let me look at your tasks.'),
      (request) => {
        const listed = resultItems(lastToolResults(request)[0]?.content ?? '') as unknown as ListedTask[];
        const first = listed.find((task) => task.run_id) ?? listed[0];
        return first ? toolReply([{ name: 'get_task', input: { run_id: first.run_id, task_id: first.id } }]) : textReply('You have no tasks.');
      },
      (request) => {
        const detail = JSON.parse(lastToolResults(request)[0]?.content ?? '{}') as ListedTask & { form_fields?: unknown[] };
        return textReply(`Your most urgent task is **${detail.title}** (${detail.status}), id \`${detail.id}\`.`);
      },
    );
    const agent = createAgent({ apiKey: 'sk-ant-fake-for-tests-0001', model: 'claude-sonnet-5-5', logger: quietLogger() });
    const conversation = agent.createConversation();
    const rec = recorder();
    const result = await agent.run({
      conversation,
      query: 'What is my most urgent task?',
      tools,
      user: { name: 'Alice', email: 'alice@acme.example', role: 'admin', orgId: sandboxOrgs.acme, orgName: 'Acme Operations', timezone: 'America/Chicago' },
      onEvent: rec.onEvent,
    });

    // The answer names a real task of Alice's, read from the sandbox's own state.
    const taskId = /id `([0-9a-f]+)`/.exec(result.text)?.[1];
    expect(taskId).toBeDefined();
    const stored = sandbox.state.orgs.get(sandboxOrgs.acme)?.tasks.find((task) => task.id === taskId);
    expect(stored).toBeDefined();
    expect(result.text).toContain(`**${stored!.title}**`);
    expect(result.rounds).toBe(3);
    expect(result.toolCalls.map((call) => [call.name, call.outcome])).toEqual([
      ['get_my_tasks', 'ok'],
      ['get_task', 'ok'],
    ]);
    // The tools really went to the sandbox over HTTP.
    expect(sandbox.requestLog.some((entry) => entry.method === 'GET' && entry.path.includes(`/tasks/${taskId}`))).toBe(true);

    // The SDK found the fake through ANTHROPIC_BASE_URL; the whole tool list went with a breakpoint on its last entry.
    expect(fake.messageRequests).toHaveLength(3);
    const offered = fake.messageRequests[0]!.body.tools!;
    expect(offered.length).toBeGreaterThan(40);
    expect(offered.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });

    // Usage is recorded for the query and the session; rounds 2 and 3 read the cached prefix.
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.cacheWriteTokens).toBeGreaterThan(1024);
    expect(result.usage.cacheReadTokens).toBeGreaterThan(result.usage.cacheWriteTokens);
    expect(conversation.usage).toEqual(result.usage);
    const rounds = rec.events.filter((event) => event.type === 'round_finished');
    expect(rounds).toHaveLength(3);
  });
});
