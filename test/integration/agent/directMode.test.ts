import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createAgent } from '../../../electron/core/agent/agent';
import { type AgentError } from '../../../electron/core/agent/errors';
import { MemoryToolHost } from '../../../electron/core/agent/testing/memoryToolHost';

import { quietLogger, recorder, startAgentHarness, testUser } from './harness';

let harness: Awaited<ReturnType<typeof startAgentHarness>>;
beforeAll(async () => {
  harness = await startAgentHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.fake.script());

const keyless = (): ReturnType<typeof createAgent> => createAgent({ model: 'claude-sonnet-5-5', logger: quietLogger() });

describe('agent direct mode', () => {
  it('without a key, a question says in the teammate\'s words that Claude is not connected (no operator instructions) and sends nothing anywhere', async () => {
    const agent = keyless();
    expect(agent.hasApiKey).toBe(false);
    const conversation = agent.createConversation();
    const before = harness.fake.requests.length;
    const result = await agent.run({ conversation, query: 'what are my tasks?', tools: new MemoryToolHost(), user: testUser });
    expect(result.stopReason).toBe('no_api_key');
    expect(result.text).toContain('Claude is not connected');
    expect(result.text).not.toMatch(/ANTHROPIC_API_KEY|restart/);
    expect(result.text).toContain('/tools');
    expect(conversation.messages).toHaveLength(0);
    expect(harness.fake.requests.length).toBe(before);
  });

  it('without a key, /tools lists the tools with their kind and /tool runs a read-only one', async () => {
    const agent = keyless();
    const conversation = agent.createConversation();
    const tools = new MemoryToolHost();
    const listed = await agent.run({ conversation, query: '/tools', tools, user: testUser });
    expect(listed.stopReason).toBe('direct');
    expect(listed.text).toMatch(/`list_tasks` \(read-only\)/);
    expect(listed.text).toMatch(/`delete_task` \(changes or deletes data, asks first\)/);
    const rec = recorder();
    const ran = await agent.run({ conversation, query: '/tool get_task {"id": "t2"}', tools, user: testUser, onEvent: rec.onEvent });
    expect(ran.text).toContain('```json');
    expect(ran.text).toContain('Call the new supplier');
    expect(rec.types()).toEqual(['tool_started', 'tool_finished']);
    expect(ran.toolCalls[0]).toMatchObject({ name: 'get_task', outcome: 'ok', round: 0 });
    expect(tools.listCalls).toBe(1);
    expect(conversation.messages).toHaveLength(0);
  });

  it('/tool follows the same approval rules: a write asks, a denial does not run it, allow runs it', async () => {
    const agent = keyless();
    const conversation = agent.createConversation();
    const tools = new MemoryToolHost();
    const denied = recorder(['deny']);
    const notRun = await agent.run({ conversation, query: '/tool complete_task {"id":"t1"}', tools, user: testUser, ...denied });
    // Said to the user in their words, not the instruction meant for the model.
    expect(notRun.text).toBe('You declined this; nothing was changed.');
    expect(tools.tasks[0]?.status).toBe('active');
    const allowed = recorder(['allow']);
    const run = await agent.run({ conversation, query: '/tool complete_task {"id":"t1"}', tools, user: testUser, ...allowed });
    expect(allowed.asked).toHaveLength(1);
    expect(run.toolCalls[0]?.outcome).toBe('ok');
    expect(tools.tasks[0]?.status).toBe('completed');
  });

  it('reports tool failures, unknown tools and malformed commands clearly', async () => {
    const agent = keyless();
    const conversation = agent.createConversation();
    const tools = new MemoryToolHost();
    const failed = await agent.run({ conversation, query: '/tool get_task {"id":"zzz"}', tools, user: testUser });
    expect(failed.text).toBe('**get_task failed:** No task with id zzz.');
    const unknown = await agent.run({ conversation, query: '/tool nope', tools, user: testUser }).catch((error: unknown) => error);
    expect((unknown as AgentError).code).toBe('AGENT_UNKNOWN_TOOL');
    expect((unknown as AgentError).message).toContain('/tools');
    const malformed = await agent.run({ conversation, query: '/tool get_task {id: t1}', tools, user: testUser }).catch((error: unknown) => error);
    expect((malformed as AgentError).code).toBe('AGENT_INVALID_INPUT');
    const help = await agent.run({ conversation, query: '/help', tools, user: testUser });
    expect(help.text).toContain('/tool NAME');
  });

  it('works the same with a key, without calling the model', async () => {
    const agent = harness.agent();
    expect(agent.hasApiKey).toBe(true);
    const before = harness.fake.requests.length;
    const result = await agent.run({ conversation: agent.createConversation(), query: '/tool list_tasks {"status":"completed"}', tools: new MemoryToolHost(), user: testUser });
    expect(result.text).toContain('File Q3 report');
    expect(result.text).not.toContain('Approve invoice');
    expect(result.rounds).toBe(0);
    expect(harness.fake.requests.length).toBe(before);
  });
});
