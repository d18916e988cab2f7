import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { ChatClient, type SocketLike } from '../../renderer/src/features/chat/chatClient';
import type { ChatState } from '../../renderer/src/features/chat/chatState';

import { startProxy } from '../e2e/support';

import { scriptedEngine, startTestGateway, type TestGateway } from './support/testGateway';

let gateway: TestGateway | undefined;
const clients: ChatClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await gateway?.close();
  gateway = undefined;
});

/** A Storage stand-in (the browser's sessionStorage). */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

function chatClient(url: string, storage = memoryStorage()): ChatClient {
  const client = new ChatClient({
    url,
    storage,
    backoffMs: [20, 40],
    createSocket: (target) => new WebSocket(target) as unknown as SocketLike,
  });
  clients.push(client);
  return client;
}

function until(client: ChatClient, predicate: (state: ChatState) => boolean, timeoutMs = 5000): Promise<ChatState> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      if (!predicate(client.getState())) return false;
      clearTimeout(timer);
      stop();
      resolve(client.getState());
      return true;
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`state never matched: ${JSON.stringify(client.getState())}`));
    }, timeoutMs);
    const stop = client.subscribe(() => void check());
    check();
  });
}

describe('ChatClient (the web page protocol client) against the real gateway', () => {
  it('signs in, streams an answer with tool chips, answers an approval, clears, and signs out', async () => {
    gateway = await startTestGateway({
      engine: scriptedEngine(async (input) => {
        input.emit({ kind: 'delta', text: 'Working… ' });
        input.emit({ kind: 'tool_start', callId: 'c1', tool: 'complete_task', args: { task_id: 't1' } });
        const approved = (await input.requestApproval({ tool: 'complete_task', args: { task_id: 't1' }, destructive: false })) !== 'deny';
        input.emit({ kind: 'tool_end', callId: 'c1', tool: 'complete_task', status: approved ? 'ok' : 'denied', durationMs: 5 });
        return approved ? 'Completed.' : 'Left open.';
      }),
    });
    const client = chatClient(gateway.url);
    client.probe();
    await until(client, (state) => state.status === 'connected');
    client.signIn({ kind: 'key', apiKey: 'tok-wrong', orgId: 'org-a' });
    expect((await until(client, (state) => state.authError !== undefined)).authError?.code).toBe('INVALID_CREDENTIALS');
    client.signIn({ kind: 'key', apiKey: 'tok-alice', orgId: 'org-a' });
    const ready = await until(client, (state) => state.status === 'ready');
    expect(ready.identity?.user.name).toBe('Alice Admin');
    expect(ready.extensions).toEqual(['stream', 'tools', 'approvals', 'cancel', 'resume', 'idle', 'questions']);

    expect(client.ask('complete t1')).toBe(true);
    expect(client.ask('second question')).toBe(false); // one at a time
    const asking = await until(client, (state) => state.approval !== undefined);
    expect(asking.approval).toMatchObject({ tool: 'complete_task', destructive: false });
    client.answerApproval(true);
    const done = await until(client, (state) => state.runningQueryId === undefined && state.items.length === 2);
    const answer = done.items[1];
    expect(answer).toMatchObject({ kind: 'assistant', text: 'Completed.', streaming: false });
    expect(answer?.kind === 'assistant' && answer.tools).toEqual([expect.objectContaining({ tool: 'complete_task', status: 'ok' })]);

    client.clear();
    await until(client, (state) => state.items.length === 0);
    client.signOut();
    expect(client.getState()).toMatchObject({ status: 'offline', items: [] });
    expect(client.getState().identity).toBeUndefined();
    await expect.poll(() => gateway!.registry.size).toBe(0);
  });

  it('shows a chip awaiting approval that turns running then done, answers "always" when offered, and shows a retry notice until the answer streams', async () => {
    let release: () => void = () => undefined;
    const answers: string[] = [];
    gateway = await startTestGateway({
      engine: scriptedEngine(async (input) => {
        input.emit({ kind: 'retrying', attempt: 1, delayMs: 1500 });
        await new Promise<void>((resolve) => (release = resolve));
        input.emit({ kind: 'delta', text: 'Working… ' });
        input.emit({ kind: 'tool_pending', callId: 'c1', tool: 'create_tag', args: { title: 'X' } });
        const answer = await input.requestApproval({ tool: 'create_tag', args: { title: 'X' }, destructive: false, callId: 'c1', allowAlways: true });
        answers.push(answer);
        if (answer === 'deny') {
          input.emit({ kind: 'tool_start', callId: 'c1', tool: 'create_tag', args: { title: 'X' } });
          input.emit({ kind: 'tool_end', callId: 'c1', tool: 'create_tag', status: 'denied', durationMs: 0 });
          return 'Not created.';
        }
        input.emit({ kind: 'tool_start', callId: 'c1', tool: 'create_tag', args: { title: 'X' } });
        await new Promise<void>((resolve) => (release = resolve));
        input.emit({ kind: 'tool_end', callId: 'c1', tool: 'create_tag', status: 'ok', durationMs: 5 });
        return 'Created.';
      }),
    });
    const client = chatClient(gateway.url);
    client.signIn({ kind: 'key', apiKey: 'tok-alice', orgId: 'org-a' });
    await until(client, (state) => state.status === 'ready');
    const chip = (state: ChatState) => {
      const item = state.items.at(-1);
      return item?.kind === 'assistant' ? item.tools[0] : undefined;
    };

    expect(client.ask('tag it')).toBe(true);
    const busy = await until(client, (state) => state.retry !== undefined);
    expect(busy.retry).toMatchObject({ queryId: busy.runningQueryId, message: 'Claude is busy, retrying in 2 s…' });
    expect(busy.items.filter((item) => item.kind === 'info')).toEqual([]); // quiet: not a chat entry
    release();
    const asking = await until(client, (state) => state.approval !== undefined);
    expect(asking.retry).toBeUndefined();
    expect(chip(asking)).toMatchObject({ callId: 'c1', tool: 'create_tag', status: 'awaiting_approval' });
    expect(asking.approval).toMatchObject({ callId: 'c1', allowAlways: true });
    client.answerApproval('always');
    expect(chip(await until(client, (state) => chip(state)?.status === 'running'))).toMatchObject({ callId: 'c1' });
    expect(answers).toEqual(['always']);
    release();
    const done = await until(client, (state) => state.runningQueryId === undefined);
    expect(chip(done)).toMatchObject({ status: 'ok' });
    expect(done.items.at(-1)).toMatchObject({ text: 'Created.' });

    // A refusal: the chip goes from awaiting approval to not allowed.
    expect(client.ask('tag it again')).toBe(true);
    await until(client, (state) => state.retry !== undefined);
    release();
    await until(client, (state) => state.approval !== undefined);
    client.answerApproval(false);
    const refused = await until(client, (state) => state.runningQueryId === undefined);
    expect(chip(refused)).toMatchObject({ status: 'denied' });
    expect(answers).toEqual(['always', 'deny']);
  });

  it('reconnects after a drop and resumes the same session; a reload resumes from storage; a kick ends it for good', async () => {
    gateway = await startTestGateway();
    const proxy = await startProxy(gateway.port);
    try {
      const storage = memoryStorage();
      const client = chatClient(`ws://127.0.0.1:${proxy.port}/`, storage);
      client.signIn({ kind: 'key', apiKey: 'tok-bob', orgId: 'org-a' });
      const ready = await until(client, (state) => state.status === 'ready');
      client.ask('first');
      await until(client, (state) => state.items.length === 2 && state.runningQueryId === undefined);
      const sessionId = ready.sessionId!;

      proxy.cut();
      await until(client, (state) => state.status === 'reconnecting');
      const back = await until(client, (state) => state.status === 'ready');
      expect(back.sessionId).toBe(sessionId);
      expect(back.items.map((item) => item.kind)).toEqual(['user', 'assistant']);
      expect(gateway.registry.size).toBe(1);

      // A reload (a new client over the same storage) resumes without credentials and takes the session over.
      const reloaded = chatClient(gateway.url, storage);
      expect(reloaded.canResume).toBe(true);
      reloaded.resumeSaved();
      const resumed = await until(reloaded, (state) => state.status === 'ready');
      expect(resumed.sessionId).toBe(sessionId);
      expect(resumed.items.map((item) => item.kind)).toEqual(['user', 'assistant']);
      expect((await until(client, (state) => state.status === 'ended')).status).toBe('ended');
      expect(gateway.registry.size).toBe(1);

      gateway.registry.kick(sessionId, 'bye for now');
      const ended = await until(reloaded, (state) => state.status === 'ended');
      expect(ended.notice?.message).toContain('bye for now');
      expect(storage.data.size).toBe(0);
      reloaded.reset();
      const fresh = await until(reloaded, (state) => state.status === 'connected');
      expect(fresh.identity).toBeUndefined();
      expect(fresh.items).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
