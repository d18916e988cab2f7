import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { MemoryToolHost } from '../../../electron/core/agent/testing/memoryToolHost';
import { lastToolResults, resultItems, textReply, toolReply } from '../../fakes/anthropic/replies';

import { recorder, startAgentHarness, testUser } from './harness';

let harness: Awaited<ReturnType<typeof startAgentHarness>>;
beforeAll(async () => {
  harness = await startAgentHarness();
});
afterAll(() => harness.close());
beforeEach(() => {
  harness.fake.script();
  harness.fake.clearCache();
});

describe('agent tool loop against the fake Anthropic API', () => {
  it('answers a two-round tool question from what the tools returned, and records usage', async () => {
    const { fake } = harness;
    fake.enqueue(
      toolReply([{ name: 'list_tasks', input: { status: 'active' } }], 'Let me check.'),
      (request) => {
        const tasks = resultItems(lastToolResults(request)[0]?.content ?? '') as Array<{ id: string }>;
        return toolReply([{ name: 'get_task', input: { id: tasks[0]?.id ?? 'none' } }]);
      },
      (request) => textReply(`The first open task is **${(JSON.parse(lastToolResults(request)[0]?.content ?? '{}') as { title: string }).title}**.`),
    );
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const tools = new MemoryToolHost();
    const rec = recorder();
    const result = await agent.run({ conversation, query: 'What is my first open task?', tools, user: testUser, onEvent: rec.onEvent });

    expect(result.text).toContain('The first open task is **Approve invoice 1042**.');
    expect(result.text.startsWith('Let me check.')).toBe(true);
    expect(result.stopReason).toBe('end_turn');
    expect(result.rounds).toBe(3);
    expect(result.toolCalls.map((call) => [call.name, call.outcome])).toEqual([
      ['list_tasks', 'ok'],
      ['get_task', 'ok'],
    ]);
    // With the rolling breakpoint nearly all input is cache writes or reads; the total is what counts.
    expect(result.usage.inputTokens + result.usage.cacheWriteTokens + result.usage.cacheReadTokens).toBeGreaterThan(100);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(conversation.usage).toEqual(result.usage);
    // History: question, tool_use, tool_result, tool_use, tool_result, answer.
    expect(conversation.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    // The model saw the tool's real output.
    expect(lastToolResults(fake.messageRequests[1]!)[0]?.content).toContain('Call the new supplier');
    // The tools were listed once.
    expect(tools.listCalls).toBe(1);

    // The next query reuses the tool list and the history.
    fake.enqueue(textReply('You are welcome.'));
    await agent.run({ conversation, query: 'thanks', tools, user: testUser });
    expect(tools.listCalls).toBe(1);
    expect(fake.messageRequests.at(-1)?.body.messages).toHaveLength(7);
  });

  it('emits events in streaming order: round, text deltas, tool start/finish, next round, final text', async () => {
    harness.fake.enqueue(toolReply([{ name: 'list_tasks', input: {} }], 'Checking your tasks now.'), textReply('You have three tasks in total.'));
    const agent = harness.agent();
    const rec = recorder();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'tasks?', tools: new MemoryToolHost(), user: testUser, onEvent: rec.onEvent });
    const collapsed = rec.types().filter((type, i, all) => type !== 'text_delta' || all[i - 1] !== 'text_delta');
    expect(collapsed).toEqual([
      'round_started',
      'text_delta',
      'round_finished',
      'tool_started',
      'tool_finished',
      'round_started',
      'text_delta',
      'round_finished',
    ]);
    const deltas = rec.events.filter((event) => event.type === 'text_delta');
    expect(deltas.length).toBeGreaterThan(2); // streamed in pieces, not at once
    expect(deltas.map((event) => (event.type === 'text_delta' ? event.text : '')).join('')).toBe('Checking your tasks now.You have three tasks in total.');
    const started = rec.events.find((event) => event.type === 'tool_started');
    expect(started).toMatchObject({ name: 'list_tasks', input: {}, round: 1 });
    const finished = rec.events.find((event) => event.type === 'tool_finished');
    expect(finished).toMatchObject({ name: 'list_tasks', isError: false, round: 1 });
    expect(result.text).toBe('Checking your tasks now.\n\nYou have three tasks in total.');
  });

  it("measures a tool call's duration (a 40 ms tool reports at least that, within a loose bound)", async () => {
    harness.fake.enqueue(toolReply([{ name: 'wait', input: { ms: 40 } }]), textReply('Waited.'));
    const agent = harness.agent();
    const rec = recorder();
    await agent.run({ conversation: agent.createConversation(), query: 'wait', tools: new MemoryToolHost(), user: testUser, onEvent: rec.onEvent });
    const finished = rec.events.find((event) => event.type === 'tool_finished');
    // Timers never fire early, so the lower bound is safe on a loaded machine; the upper one only catches unit mistakes (seconds, µs).
    expect(finished?.type === 'tool_finished' && finished.durationMs).toBeGreaterThanOrEqual(39);
    expect(finished?.type === 'tool_finished' && finished.durationMs).toBeLessThan(30_000);
  });

  it('runs several read-only tool calls of one turn in parallel and answers each', async () => {
    harness.fake.enqueue(
      toolReply([
        { name: 'wait', input: { ms: 400 } },
        { name: 'wait', input: { ms: 400 } },
        { name: 'get_task', input: { id: 't2' } },
      ]),
      (request) => textReply(`results: ${lastToolResults(request).length}`),
    );
    const agent = harness.agent();
    const started = performance.now();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'go', tools: new MemoryToolHost(), user: testUser });
    expect(result.text).toBe('results: 3');
    expect(performance.now() - started).toBeLessThan(750); // 2 × 400 ms would be ≥ 800 sequentially
    const sent = harness.fake.messageRequests.at(-1)!;
    expect(lastToolResults(sent).map((r) => r.content)).toEqual(['waited 400 ms', 'waited 400 ms', expect.stringContaining('Call the new supplier')]);
  });

  it('puts cache breakpoints on the last tool, the system prompt and the last message, and the second round reads the cache', async () => {
    harness.fake.enqueue(toolReply([{ name: 'list_tasks', input: {} }]), textReply('done'));
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const result = await agent.run({ conversation, query: 'tasks?', tools: new MemoryToolHost(), user: testUser });
    const [first, second] = harness.fake.messageRequests.slice(-2);
    for (const request of [first!, second!]) {
      const tools = request.body.tools!;
      expect(tools.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
      expect(tools.slice(0, -1).every((tool) => tool.cache_control === undefined)).toBe(true);
      const system = request.body.system as Array<{ cache_control?: unknown; text: string }>;
      // The breakpoint follows the instructions every teammate shares; the personal context comes after it.
      expect(system[0]?.cache_control).toEqual({ type: 'ephemeral' });
      expect(system.at(-1)?.cache_control).toBeUndefined();
      const lastMessage = request.body.messages!.at(-1)!;
      expect(Array.isArray(lastMessage.content) && lastMessage.content.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
      // Only the last message carries the rolling breakpoint.
      const earlier = request.body.messages!.slice(0, -1).flatMap((message) => (Array.isArray(message.content) ? message.content : []));
      expect(earlier.some((block) => block.cache_control)).toBe(false);
    }
    expect(result.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(result.usage.cacheReadTokens).toBeGreaterThan(0);
    // The history itself is not touched by the breakpoints.
    expect(JSON.stringify(conversation.messages)).not.toContain('cache_control');
  });

  it('puts the date in the org time zone, the user, org and role into the system prompt', async () => {
    harness.fake.enqueue(textReply('hi'));
    const agent = harness.agent();
    await agent.run({ conversation: agent.createConversation(), query: 'hello', tools: new MemoryToolHost(), user: testUser });
    const system = (harness.fake.messageRequests.at(-1)!.body.system as Array<{ text: string }>).map((block) => block.text).join('\n');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    expect(system).toContain(today);
    expect(system).toContain('Europe/London');
    expect(system).toContain('Alice Admin');
    expect(system).toContain('Acme Operations');
    expect(system).toContain('admin');
    expect(system).toMatch(/markdown/i);
  });

  it('stops after maxRounds with a clear message and a consistent history', async () => {
    harness.fake.setFallback(toolReply([{ name: 'list_tasks', input: {} }]));
    try {
      const agent = harness.agent({ maxRounds: 2 });
      const conversation = agent.createConversation();
      const result = await agent.run({ conversation, query: 'loop', tools: new MemoryToolHost(), user: testUser });
      expect(result.stopReason).toBe('max_rounds');
      expect(result.text).toMatch(/stopped after 2 rounds/);
      expect(harness.fake.messageRequests.length).toBeGreaterThan(0);
      expect(conversation.messages.at(-1)?.role).toBe('assistant');
      harness.fake.enqueue(textReply('fine'));
      expect((await agent.run({ conversation, query: 'next', tools: new MemoryToolHost(), user: testUser })).text).toBe('fine');
    } finally {
      harness.fake.setFallback((await import('../../fakes/anthropic/demoResponder')).demoResponder);
    }
  });

  it('caps a large tool result before sending it to the model', async () => {
    const tools = new MemoryToolHost(Array.from({ length: 400 }, (_, i) => ({ id: `t${i}`, title: `Task number ${i} with a long title`, status: 'active' as const, assignee: 'bob' })));
    harness.fake.enqueue(toolReply([{ name: 'list_tasks', input: {} }]), textReply('ok'));
    const agent = harness.agent({ toolResultMaxChars: 1000 });
    await agent.run({ conversation: agent.createConversation(), query: 'all', tools, user: testUser });
    const sent = lastToolResults(harness.fake.messageRequests.at(-1)!)[0]!.content;
    expect(sent.length).toBeLessThan(1200);
    expect(sent).toMatch(/truncated: \d+ more characters/);
  });
});
