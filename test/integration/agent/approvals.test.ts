import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { MemoryToolHost } from '../../../electron/core/agent/testing/memoryToolHost';
import { lastToolResults, textReply, toolReply } from '../../fakes/anthropic/replies';

import { recorder, startAgentHarness, testUser } from './harness';

let harness: Awaited<ReturnType<typeof startAgentHarness>>;
beforeAll(async () => {
  harness = await startAgentHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.fake.script());

/** Scripts: Claude asks to complete t1, then echoes what the tool said. */
function scriptCompletion(): void {
  harness.fake.enqueue(toolReply([{ name: 'complete_task', input: { id: 't1' } }], 'Completing it.'), (request) => {
    const result = lastToolResults(request)[0];
    return textReply(result?.is_error ? `Not done: ${result.content}` : 'Done.');
  });
}

describe('agent approvals', () => {
  it('asks before a write and runs it when allowed', async () => {
    scriptCompletion();
    const tools = new MemoryToolHost();
    const rec = recorder(['allow']);
    const agent = harness.agent();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'complete t1', tools, user: testUser, ...rec });
    expect(rec.asked).toHaveLength(1);
    expect(rec.asked[0]).toMatchObject({ toolName: 'complete_task', input: { id: 't1' }, hints: { readOnlyHint: false } });
    expect(tools.tasks.find((task) => task.id === 't1')?.status).toBe('completed');
    expect(result.text).toContain('Done.');
    const types = rec.types();
    expect(types.indexOf('approval_requested')).toBeLessThan(types.indexOf('approval_resolved'));
    expect(types.indexOf('approval_resolved')).toBeLessThan(types.indexOf('tool_started'));
  });

  it('does not run a denied write and tells Claude the user declined', async () => {
    scriptCompletion();
    const tools = new MemoryToolHost();
    const rec = recorder(['deny']);
    const agent = harness.agent();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'complete t1', tools, user: testUser, ...rec });
    expect(tools.tasks.find((task) => task.id === 't1')?.status).toBe('active');
    expect(tools.started).not.toContain('complete_task');
    expect(result.text).toMatch(/Not done: The user declined/);
    expect(result.toolCalls[0]?.outcome).toBe('denied');
    expect(rec.events.find((event) => event.type === 'tool_denied')).toMatchObject({ name: 'complete_task', reason: 'user' });
    expect(rec.types()).not.toContain('tool_started');
  });

  it('counts no answer within the timeout as a denial and withdraws the prompt', async () => {
    scriptCompletion();
    const tools = new MemoryToolHost();
    const rec = recorder(['never']);
    const agent = harness.agent({ approvalTimeoutMs: 80 });
    const result = await agent.run({ conversation: agent.createConversation(), query: 'complete t1', tools, user: testUser, ...rec });
    expect(tools.tasks.find((task) => task.id === 't1')?.status).toBe('active');
    expect(result.text).toMatch(/did not approve this action in time/);
    expect(rec.events.find((event) => event.type === 'approval_resolved')).toMatchObject({ decision: 'deny', reason: 'timeout' });
    expect(rec.asked[0]?.signal.aborted).toBe(true);
  });

  it('"allow for the session" stops asking for that tool in this conversation only', async () => {
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const tools = new MemoryToolHost();
    const rec = recorder(['allow_session']);
    scriptCompletion();
    await agent.run({ conversation, query: 'complete t1', tools, user: testUser, ...rec });
    harness.fake.enqueue(toolReply([{ name: 'complete_task', input: { id: 't2' } }]), textReply('Done again.'));
    await agent.run({ conversation, query: 'and t2', tools, user: testUser, ...rec });
    expect(rec.asked).toHaveLength(1);
    expect(tools.tasks.filter((task) => task.status === 'completed').map((task) => task.id).sort()).toEqual(['t1', 't2', 't3']);
    // Another tool still asks; another conversation asks again.
    harness.fake.enqueue(toolReply([{ name: 'delete_task', input: { id: 't3' } }]), textReply('ok'));
    await agent.run({ conversation, query: 'delete t3', tools, user: testUser, ...rec });
    expect(rec.asked.map((request) => request.toolName)).toEqual(['complete_task', 'delete_task']);
    scriptCompletion();
    await agent.run({ conversation: agent.createConversation(), query: 'complete t1', tools, user: testUser, ...rec });
    expect(rec.asked).toHaveLength(3);
  });

  it('never asks for read-only tools under "writes", asks for them under "all", asks for nothing under "never"', async () => {
    const tools = new MemoryToolHost();
    for (const [policy, expected] of [
      ['writes', 0],
      ['all', 1],
    ] as const) {
      harness.fake.enqueue(toolReply([{ name: 'list_tasks', input: {} }]), textReply('ok'));
      const rec = recorder(['allow']);
      const agent = harness.agent({ approvalPolicy: policy });
      await agent.run({ conversation: agent.createConversation(), query: 'list', tools, user: testUser, ...rec });
      expect(rec.asked).toHaveLength(expected);
    }
    scriptCompletion();
    const rec = recorder();
    const agent = harness.agent({ approvalPolicy: 'never' });
    await agent.run({ conversation: agent.createConversation(), query: 'complete', tools, user: testUser, ...rec });
    expect(rec.asked).toHaveLength(0);
    expect(tools.tasks.find((task) => task.id === 't1')?.status).toBe('completed');
  });

  it('denies a write when the session gave no approval hook', async () => {
    scriptCompletion();
    const tools = new MemoryToolHost();
    const agent = harness.agent();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'complete t1', tools, user: testUser });
    expect(tools.tasks.find((task) => task.id === 't1')?.status).toBe('active');
    expect(result.toolCalls[0]?.outcome).toBe('denied');
  });
});
