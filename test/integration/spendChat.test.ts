import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { ChatClient, type SocketLike } from '../../renderer/src/features/chat/chatClient';
import type { ChatState } from '../../renderer/src/features/chat/chatState';
import { textReply } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';

let stack: Stack | undefined;
let client: ChatClient | undefined;
afterEach(async () => {
  client?.dispose();
  await stack?.close();
});

function until(chat: ChatClient, predicate: (state: ChatState) => boolean, timeoutMs = 10_000): Promise<ChatState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`state never matched: ${JSON.stringify(chat.getState())}`));
    }, timeoutMs);
    const check = (): void => {
      if (!predicate(chat.getState())) return;
      clearTimeout(timer);
      stop();
      resolve(chat.getState());
    };
    const stop = chat.subscribe(check);
    check();
  });
}

describe('the web chat and the spending limits', () => {
  it('shows the 80% warning as a banner and the refusal in the conversation', async () => {
    stack = await startStack({ flags: ['--user-daily-usd', '0.20'] });
    // Each call: 10,000 input + 2,000 output tokens = $0.06 at the Sonnet rates.
    stack.fake.setFallback(() =>
      textReply('Sure.', {
        usage: { input_tokens: 10_000, output_tokens: 2_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      }),
    );
    const store = new Map<string, string>();
    client = new ChatClient({
      url: stack.url,
      storage: {
        getItem: (key) => store.get(key) ?? null,
        setItem: (key, value) => void store.set(key, value),
        removeItem: (key) => void store.delete(key),
      },
      createSocket: (target) => new WebSocket(target) as unknown as SocketLike,
    });
    client.probe();
    await until(client, (state) => state.status === 'connected');
    client.signIn({ kind: 'key', apiKey: sandboxTokens.bob, orgId: sandboxOrgs.acme });
    await until(client, (state) => state.status === 'ready');
    for (let asked = 1; asked <= 3; asked++) {
      expect(client.ask(`question ${asked}`)).toBe(true);
      await until(
        client,
        (state) => state.runningQueryId === undefined && state.items.filter((item) => item.kind === 'assistant').length === asked,
      );
    }
    // $0.18 of $0.20 = 90%.
    const warned = await until(client, (state) => state.notice !== undefined);
    expect(warned.notice).toMatchObject({ tone: 'warning', message: expect.stringMatching(/used 90% of your daily spending limit/) });
    expect(client.ask('question 4')).toBe(true);
    await until(
      client,
      (state) => state.runningQueryId === undefined && state.items.filter((item) => item.kind === 'assistant').length === 4,
    );
    expect(client.ask('question 5')).toBe(true);
    const refused = await until(client, (state) => state.items.some((item) => item.kind === 'error'));
    expect(refused.items.find((item) => item.kind === 'error')).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      text: expect.stringMatching(/\$0\.24 spent of \$0\.20/),
    });
  });
});
