import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';

import { createHttpFetch } from '../../electron/core/net/httpFetch';
import { startFakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import { textReply, toolReply } from '../fakes/anthropic/replies';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the lean fetch under the Anthropic SDK (against the fake Messages API)', () => {
  it('streams a tool_use reply, surfaces a 529 with its status, and honours abort', async () => {
    const fake = await startFakeAnthropic();
    cleanups.push(() => fake.close());
    const fetch = createHttpFetch();
    cleanups.push(() => fetch.close());
    fake.enqueue(toolReply([{ name: 'list_tasks', input: { status: 'open' } }], 'Checking.'), { kind: 'error', status: 529 });
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0, fetch });
    const stream = client.messages.stream({
      model: 'claude-test',
      max_tokens: 100,
      tools: [{ name: 'list_tasks', input_schema: { type: 'object', properties: {} } }],
      messages: [{ role: 'user', content: 'my tasks?' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe('Checking.');
    expect(message.content[1]).toMatchObject({ type: 'tool_use', name: 'list_tasks', input: { status: 'open' } });
    expect(message.stop_reason).toBe('tool_use');
    await expect(client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 529 });
    fake.enqueue(textReply('fine'));
    await expect(
      client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
  });

  it('turns a reset mid-stream into an error the caller sees, not a silent end', async () => {
    const fake = await startFakeAnthropic();
    cleanups.push(() => fake.close());
    const fetch = createHttpFetch();
    cleanups.push(() => fetch.close());
    fake.enqueue(textReply('a long answer that will be cut off', { resetAfterEvents: 3 }));
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0, fetch });
    const stream = await client.messages.create({ model: 'm', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const seen: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const event of stream) seen.push(event.type);
    };
    await expect(consume()).rejects.toThrow();
    expect(seen[0]).toBe('message_start');
    expect(seen).not.toContain('message_stop');
  });
});
