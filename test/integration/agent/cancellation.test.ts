import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { AgentError } from '../../../electron/core/agent/errors';
import { MemoryToolHost } from '../../../electron/core/agent/testing/memoryToolHost';
import { lastUserText, textReply, toolReply } from '../../fakes/anthropic/replies';

import { recorder, startAgentHarness, testUser } from './harness';

let harness: Awaited<ReturnType<typeof startAgentHarness>>;
beforeAll(async () => {
  harness = await startAgentHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.fake.script());

/** Every tool_use in the history has its tool_result in the next turn. */
function assertPaired(messages: ReadonlyArray<{ role: string; content: unknown }>): void {
  messages.forEach((message, i) => {
    if (message.role !== 'assistant' || !Array.isArray(message.content)) return;
    const ids = (message.content as Array<{ type: string; id?: string }>).filter((block) => block.type === 'tool_use').map((block) => block.id);
    if (ids.length === 0) return;
    const next = messages[i + 1];
    const answered = Array.isArray(next?.content) ? (next.content as Array<{ type: string; tool_use_id?: string }>).map((block) => block.tool_use_id) : [];
    for (const id of ids) expect(answered).toContain(id);
  });
}

describe('agent cancellation', () => {
  it('cancel mid-stream stops the stream, keeps what was shown, and the next query works', async () => {
    harness.fake.enqueue({ ...textReply('This is a long answer that streams slowly, piece by piece.'), eventDelayMs: 200 });
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const controller = new AbortController();
    const rec = recorder();
    let abortedAt = 0;
    const failure = await agent
      .run({
        conversation,
        query: 'tell me',
        tools: new MemoryToolHost(),
        user: testUser,
        signal: controller.signal,
        onEvent: (event) => {
          rec.onEvent(event);
          if (event.type === 'text_delta') {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AgentError);
    expect((failure as AgentError).code).toBe('AGENT_CANCELLED');
    expect(performance.now() - abortedAt).toBeLessThan(500); // the rest of the stream would take ≥ 1 s
    expect(rec.types().filter((type) => type === 'text_delta')).toHaveLength(1);
    expect(conversation.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(String(conversation.messages[1]?.content)).toMatch(/^This is a long.*cancelled by the user/s);
    expect(conversation.busy).toBe(false);

    harness.fake.enqueue((request) => textReply(`echo: ${lastUserText(request)}`));
    const next = await agent.run({ conversation, query: 'again', tools: new MemoryToolHost(), user: testUser });
    expect(next.text).toBe('echo: again');
  });

  it('cancel before any text rolls the question back', async () => {
    harness.fake.enqueue({ ...textReply('late'), delayMs: 2000 });
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const failure = await agent.run({ conversation, query: 'slow?', tools: new MemoryToolHost(), user: testUser, signal: controller.signal }).catch((error: unknown) => error);
    expect((failure as AgentError).code).toBe('AGENT_CANCELLED');
    expect(conversation.messages).toHaveLength(0);
  });

  it('cancel mid-tool stops the tool, answers every tool_use, and the next query is accepted by the API', async () => {
    harness.fake.enqueue(toolReply([{ name: 'wait', input: { ms: 5000 } }, { name: 'list_tasks', input: {} }], 'Working on it.'));
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const controller = new AbortController();
    const rec = recorder();
    const started = performance.now();
    const failure = await agent
      .run({
        conversation,
        query: 'slow tool',
        tools: new MemoryToolHost(),
        user: testUser,
        signal: controller.signal,
        onEvent: (event) => {
          rec.onEvent(event);
          if (event.type === 'tool_started' && event.name === 'wait') setTimeout(() => controller.abort(), 30);
        },
      })
      .catch((error: unknown) => error);
    expect((failure as AgentError).code).toBe('AGENT_CANCELLED');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rec.events.find((event) => event.type === 'tool_failed')).toMatchObject({ name: 'wait', reason: 'cancelled' });
    assertPaired(conversation.messages);
    expect(conversation.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(conversation.messages[2])).toContain('Cancelled by the user');

    // The fake refuses histories with unpaired tool_use, as the real API does: this must pass.
    harness.fake.enqueue((request) => textReply(`echo: ${lastUserText(request)}`));
    const next = await agent.run({ conversation, query: 'never mind', tools: new MemoryToolHost(), user: testUser });
    expect(next.text).toBe('echo: never mind');
    assertPaired(conversation.messages);
  });

  it('cancel while waiting for an approval does not run the tool', async () => {
    harness.fake.enqueue(toolReply([{ name: 'delete_task', input: { id: 't1' } }]));
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const controller = new AbortController();
    const tools = new MemoryToolHost();
    const rec = recorder(['never']);
    const failure = await agent
      .run({
        conversation,
        query: 'delete t1',
        tools,
        user: testUser,
        signal: controller.signal,
        requestApproval: rec.requestApproval,
        onEvent: (event) => {
          rec.onEvent(event);
          if (event.type === 'approval_requested') setTimeout(() => controller.abort(), 20);
        },
      })
      .catch((error: unknown) => error);
    expect((failure as AgentError).code).toBe('AGENT_CANCELLED');
    expect(tools.tasks).toHaveLength(3);
    expect(rec.asked[0]?.signal.aborted).toBe(true);
    assertPaired(conversation.messages);
  });

  it('refuses a second query on a busy conversation', async () => {
    harness.fake.enqueue({ ...textReply('slow'), delayMs: 150 }, textReply('second'));
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const first = agent.run({ conversation, query: 'one', tools: new MemoryToolHost(), user: testUser });
    const second = await agent.run({ conversation, query: 'two', tools: new MemoryToolHost(), user: testUser }).catch((error: unknown) => error);
    expect((second as AgentError).code).toBe('AGENT_BUSY');
    expect((await first).text).toBe('slow');
  });
});
