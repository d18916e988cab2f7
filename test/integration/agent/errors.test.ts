import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createAgent } from '../../../electron/core/agent/agent';
import { AgentError } from '../../../electron/core/agent/errors';
import { MemoryToolHost } from '../../../electron/core/agent/testing/memoryToolHost';
import { startFakeAnthropic } from '../../fakes/anthropic/fakeAnthropic';
import { errorReply, lastToolResults, textReply, toolReply } from '../../fakes/anthropic/replies';

import { quietLogger, recorder, startAgentHarness, testUser } from './harness';

let harness: Awaited<ReturnType<typeof startAgentHarness>>;
beforeAll(async () => {
  harness = await startAgentHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.fake.script());

async function failureOf(promise: Promise<unknown>): Promise<AgentError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AgentError);
  return error as AgentError;
}

/** After a failure the same conversation answers the next query, and the failed question is gone. */
async function stillUsable(agent: ReturnType<typeof harness.agent>, conversation: ReturnType<ReturnType<typeof harness.agent>['createConversation']>): Promise<void> {
  harness.fake.enqueue(textReply('back to normal'));
  const result = await agent.run({ conversation, query: 'ping', tools: new MemoryToolHost(), user: testUser });
  expect(result.text).toBe('back to normal');
}

describe('agent errors', () => {
  it('401 with a bad key: a clear message naming ANTHROPIC_API_KEY, never the key, and the session stays usable', async () => {
    const strict = await startFakeAnthropic({ apiKeys: ['sk-ant-right-key-0000'], minCacheTokens: 0 });
    try {
      const agent = createAgent({ apiKey: 'sk-ant-wrong-key-9999', baseURL: strict.url, model: 'claude-sonnet-5-5', logger: quietLogger() });
      const conversation = agent.createConversation();
      const error = await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }));
      expect(error.code).toBe('AGENT_AUTH_FAILED');
      expect(error.message).toMatch(/ANTHROPIC_API_KEY/);
      expect(error.message).not.toContain('sk-ant-wrong-key-9999');
      expect(strict.requests).toHaveLength(1); // not retried
      expect(conversation.messages).toHaveLength(0);
    } finally {
      await strict.close();
    }
    const agent = harness.agent();
    const conversation = agent.createConversation();
    harness.fake.enqueue(errorReply(401, { message: 'invalid x-api-key' }));
    expect((await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }))).code).toBe('AGENT_AUTH_FAILED');
    await stillUsable(agent, conversation);
  });

  it('429 honours retry-after, then succeeds', async () => {
    harness.fake.enqueue(errorReply(429, { headers: { 'retry-after': '1' } }), textReply('made it'));
    const agent = harness.agent();
    const rec = recorder();
    const started = performance.now();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'hi', tools: new MemoryToolHost(), user: testUser, onEvent: rec.onEvent });
    expect(result.text).toBe('made it');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(rec.events.find((event) => event.type === 'retrying')).toMatchObject({ attempt: 1, delayMs: 1000, code: 'AGENT_RATE_LIMITED' });
  });

  it('429 with a retry-after beyond the cap, or more 429s than retries, ends with a rate-limit message', async () => {
    harness.fake.enqueue(errorReply(429, { headers: { 'retry-after': '120' } }));
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const started = performance.now();
    const long = await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }));
    expect(long.code).toBe('AGENT_RATE_LIMITED');
    expect(long.message).toMatch(/in about 120 s/);
    expect(performance.now() - started).toBeLessThan(500);

    const before = harness.fake.messageRequests.length;
    harness.fake.enqueue(...[1, 2, 3].map(() => errorReply(429, { headers: { 'retry-after': '0' } })));
    const repeated = await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }));
    expect(repeated.code).toBe('AGENT_RATE_LIMITED');
    expect(harness.fake.messageRequests.length - before).toBe(3); // 1 try + 2 retries (default)
    await stillUsable(agent, conversation);
  });

  it('529 overloaded is retried, and reported as overloaded when it persists', async () => {
    harness.fake.enqueue(errorReply(529), textReply('recovered'));
    const agent = harness.agent();
    const conversation = agent.createConversation();
    expect((await agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser })).text).toBe('recovered');
    harness.fake.enqueue(errorReply(529), errorReply(529), errorReply(529));
    const error = await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }));
    expect(error.code).toBe('AGENT_OVERLOADED');
    expect(error.message).toMatch(/overloaded/i);
    harness.fake.enqueue({ ...textReply('partial then overloaded'), errorAfterEvents: { events: 4, type: 'overloaded_error' } });
    const midStream = await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }));
    expect(midStream.code).toBe('AGENT_OVERLOADED');
    await stillUsable(agent, conversation);
  });

  it('a connection reset mid-stream after text was shown is reported, and the session stays usable', async () => {
    harness.fake.enqueue({ ...textReply('The answer begins and then the line goes dead'), resetAfterEvents: 4 });
    const agent = harness.agent();
    const conversation = agent.createConversation();
    const rec = recorder();
    const error = await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser, onEvent: rec.onEvent }));
    expect(error.code).toBe('AGENT_CONNECTION_LOST');
    expect(error.message).toMatch(/connection/i);
    expect(rec.types()).toContain('text_delta');
    expect(rec.types()).not.toContain('retrying'); // text was already shown: not silently repeated
    await stillUsable(agent, conversation);
  });

  it('a connection reset before any text is retried transparently', async () => {
    harness.fake.enqueue({ kind: 'reset' }, { ...textReply('second try'), resetAfterEvents: 1 }, textReply('third time lucky'));
    const agent = harness.agent();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'hi', tools: new MemoryToolHost(), user: testUser });
    expect(result.text).toBe('third time lucky');
  });

  it('a 400 from the API is a bad request with its reason; a 500 is an API error', async () => {
    const agent = harness.agent({ maxRetries: 0 });
    const conversation = agent.createConversation();
    harness.fake.enqueue(errorReply(400, { message: 'prompt is too long: 300000 tokens > 200000 maximum' }));
    const bad = await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }));
    expect(bad.code).toBe('AGENT_BAD_REQUEST');
    expect(bad.message).toContain('prompt is too long');
    harness.fake.enqueue(errorReply(500));
    expect((await failureOf(agent.run({ conversation, query: 'hi', tools: new MemoryToolHost(), user: testUser }))).code).toBe('AGENT_API_ERROR');
    await stillUsable(agent, conversation);
  });

  it('a failing tool is reported to the user and to Claude, and the answer still comes', async () => {
    harness.fake.enqueue(
      toolReply([
        { name: 'get_task', input: { id: 'nope' } },
        { name: 'broken', input: {} },
        { name: 'no_such_tool', input: {} },
      ]),
      (request) => textReply(lastToolResults(request).map((result) => `${result.is_error ? 'ERR' : 'OK'}: ${result.content}`).join('\n')),
    );
    const agent = harness.agent();
    const rec = recorder();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'hi', tools: new MemoryToolHost(), user: testUser, onEvent: rec.onEvent });
    expect(result.text).toContain('ERR: No task with id nope.');
    expect(result.text).toContain('ERR: The tool could not run: the tool server crashed');
    expect(result.text).toContain('ERR: There is no tool named "no_such_tool".');
    expect(rec.events.find((event) => event.type === 'tool_finished')).toMatchObject({ name: 'get_task', isError: true });
    expect(rec.events.filter((event) => event.type === 'tool_failed').map((event) => (event.type === 'tool_failed' ? event.reason : '')).sort()).toEqual(['error', 'unknown_tool']);
    expect(result.toolCalls.map((call) => call.outcome)).toEqual(['error', 'error', 'error']);
  });

  it('a tool host that cannot list tools gives a clear error', async () => {
    const agent = harness.agent();
    const tools = new MemoryToolHost();
    tools.listTools = () => Promise.reject(new Error('sandbox down'));
    const error = await failureOf(agent.run({ conversation: agent.createConversation(), query: 'hi', tools, user: testUser }));
    expect(error.code).toBe('AGENT_TOOLS_UNAVAILABLE');
  });
});
