import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startFakeAnthropic, type FakeAnthropic } from './fakeAnthropic';
import { errorReply, lastToolResults, textReply, toolReply } from './replies';

let fake: FakeAnthropic;
const client = (): Anthropic => new Anthropic({ apiKey: 'sk-fake-key', baseURL: fake.url, maxRetries: 0 });

beforeAll(async () => {
  fake = await startFakeAnthropic({ minCacheTokens: 0 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.script();
  fake.clearCache();
});

const ask = { model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('fake Anthropic server', () => {
  it('streams the real SSE event sequence, tool input split into several input_json_delta', async () => {
    fake.enqueue(toolReply([{ name: 'list_tasks', input: { status: 'open', limit: 5 } }], 'Let me check.'));
    const stream = await client().messages.create({ ...ask, stream: true });
    const seen: string[] = [];
    let jsonDeltas = 0;
    for await (const event of stream) {
      seen.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') jsonDeltas++;
    }
    expect(seen[0]).toBe('message_start');
    expect(seen.at(-2)).toBe('message_delta');
    expect(seen.at(-1)).toBe('message_stop');
    expect(jsonDeltas).toBeGreaterThanOrEqual(3);
    const final = await client().messages.stream(ask).finalMessage().catch(() => null);
    expect(final?.role).toBe('assistant'); // the fallback demo responder answered
  });

  it('gives the SDK a complete message from the stream helper, with the parsed tool input and stop reason', async () => {
    fake.enqueue(toolReply([{ name: 'list_tasks', input: { status: 'open' } }], 'Looking.'));
    const message = await client().messages.stream(ask).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Looking.' });
    expect(message.content[1]).toMatchObject({ type: 'tool_use', name: 'list_tasks', input: { status: 'open' } });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('answers non-streaming requests with a JSON message', async () => {
    fake.enqueue(textReply('plain answer'));
    const message = await client().messages.create(ask);
    expect(message.content).toEqual([{ type: 'text', text: 'plain answer' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('accepts the key as x-api-key or Bearer and refuses a request without one with 401', async () => {
    fake.enqueue(textReply('a'));
    const viaHeader = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k-1234', 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    expect(viaHeader.status).toBe(200);
    expect(fake.requests.at(-1)?.apiKey).toBe('k-1234');
    const none = await fetch(`${fake.url}/v1/messages`, { method: 'POST', body: JSON.stringify(ask) });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    await client().messages.create(ask);
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-fake-key');
  });

  it('sends scripted errors with the real status, type and retry-after', async () => {
    fake.enqueue(errorReply(429, { headers: { 'retry-after': '7' } }), errorReply(529));
    const limited = await client().messages.create(ask).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('7');
    const overloaded = await client().messages.create(ask).catch((error: unknown) => error);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
  });

  it('resets the connection mid-stream', async () => {
    fake.enqueue({ ...textReply('a long answer that will be cut'), resetAfterEvents: 3 });
    const stream = await client().messages.create({ ...ask, stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(seen).not.toContain('message_stop');
  });

  it('refuses a history with a tool_use lacking its tool_result, as the real API does', async () => {
    const bad = await client()
      .messages.create({
        ...ask,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }] },
          { role: 'user', content: 'again' },
        ],
      })
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((bad as Error).message)).toContain('tool_result');
  });

  it('lets a script echo the tool results it received', async () => {
    fake.enqueue((request) => textReply(`got ${lastToolResults(request)[0]?.content ?? 'nothing'}`));
    const message = await client().messages.create({
      ...ask,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '42' }] },
      ],
    });
    expect(message.content[0]).toMatchObject({ text: 'got 42' });
  });

  it('counts cache writes for breakpoints and cache reads for a prefix seen before', async () => {
    const tools = [{ name: 'list_tasks', description: 'x'.repeat(4000), input_schema: { type: 'object' as const }, cache_control: { type: 'ephemeral' as const } }];
    const system = [{ type: 'text' as const, text: 'You help. '.repeat(100), cache_control: { type: 'ephemeral' as const } }];
    fake.enqueue(textReply('one'), textReply('two'));
    const first = await client().messages.create({ ...ask, tools, system });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1000);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    const second = await client().messages.create({
      ...ask,
      tools,
      system,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'more', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.usage.input_tokens).toBeLessThan(10);
  });

  it('demo responder calls a task-listing tool, then summarises its result', async () => {
    const tools = [
      { name: 'create_task', input_schema: { type: 'object' as const, required: ['title'] } },
      { name: 'list_tasks', input_schema: { type: 'object' as const } },
    ];
    const first = await client().messages.create({ ...ask, tools });
    const call = first.content.find((block) => block.type === 'tool_use');
    expect(call).toMatchObject({ name: 'list_tasks' });
    const second = await client().messages.create({
      ...ask,
      tools,
      messages: [
        { role: 'user', content: 'what is open?' },
        { role: 'assistant', content: first.content.map((block) => (block.type === 'tool_use' ? { type: 'tool_use' as const, id: block.id, name: block.name, input: block.input } : { type: 'text' as const, text: block.type === 'text' ? block.text : '' })) },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (call as { id: string }).id, content: JSON.stringify({ data: [{ title: 'Approve invoice', status: 'active' }] }) }] },
      ],
    });
    expect(second.content[0]).toMatchObject({ type: 'text' });
    expect((second.content[0] as { text: string }).text).toContain('Approve invoice (active)');
  });
});

describe('fake Anthropic CLI', () => {
  it('serves the demo responder on the port it prints', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fakes/anthropic/cli.ts', '--port', '0'], { cwd: new URL('../../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      const demo = new Anthropic({ apiKey: 'any-key', baseURL: url, maxRetries: 0 });
      const reply = await demo.messages.create({
        ...ask,
        tools: [
          { name: 'get_user_tasks', input_schema: { type: 'object' } },
          { name: 'create_task', input_schema: { type: 'object', required: ['title'] } },
          { name: 'get_my_tasks', input_schema: { type: 'object' } },
        ],
      });
      expect(reply.content.find((block) => block.type === 'tool_use')).toMatchObject({ name: 'get_my_tasks', input: {} });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
