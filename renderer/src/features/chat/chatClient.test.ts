import { describe, expect, it } from 'vitest';

import { ChatClient, type SocketLike } from './chatClient';

/** A socket the test drives: it records what the client sends and delivers what the test says the server sent. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  server(message: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const who = { user: { id: 'u1', name: 'Alice Nguyen', email: 'alice@acme.test' }, org: { id: 'o1', name: 'Acme' } };

async function until(check: () => boolean): Promise<void> {
  for (let index = 0; index < 200 && !check(); index += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('ChatClient after the server restarts', () => {
  it('clears the shutdown notice once back, greys out what the new session does not remember, and says so', async () => {
    const sockets: FakeSocket[] = [];
    const client = new ChatClient({
      url: 'ws://gateway.test/',
      backoffMs: [1],
      createSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
    });
    client.signIn({ kind: 'key', apiKey: 'key-1', orgId: 'o1' });
    await until(() => sockets.length === 1);
    const first = sockets[0]!;
    first.open();
    first.server({ type: 'connection_established', message: 'hi', session_id: 's1' });
    first.server({ type: 'auth_success', message: 'ok', session_id: 's1', ...who, extensions: ['resume'], resume_token: 'r1' });
    expect(client.ask('What tasks do I have?')).toBe(true);
    const queryId = String(first.sent.at(-1)!.query_id);
    first.server({ type: 'response', content: 'Here they are.', query_id: queryId });

    first.server({ type: 'info', code: 'shutdown', message: 'The gateway is shutting down (SIGINT). Reconnect when it is back.' });
    first.drop(1001);
    expect(client.getState().away?.message).toContain('SIGINT');
    expect(client.getState().status).toBe('reconnecting');

    // The restarted server does not know the old session: the client signs in again by itself.
    await until(() => sockets.length === 2);
    const second = sockets[1]!;
    second.open();
    second.server({ type: 'connection_established', message: 'hi', session_id: 's2' });
    expect(second.sent.at(-1)).toMatchObject({ type: 'resume', session_id: 's1' });
    second.server({ type: 'error', code: 'RESUME_FAILED', message: 'That session cannot be resumed.' });
    expect(second.sent.at(-1)).toMatchObject({ type: 'auth', api_key: 'key-1' });
    second.server({ type: 'auth_success', message: 'ok', session_id: 's2', ...who, extensions: ['resume'], resume_token: 'r2' });

    const state = client.getState();
    expect(state.status).toBe('ready');
    expect(state.away).toBeUndefined();
    expect(state.notice).toBeUndefined();
    expect(state.items.filter((item) => item.kind !== 'info').every((item) => item.stale)).toBe(true);
    expect(state.items.at(-1)).toMatchObject({ kind: 'info', code: 'context_lost' });
    expect(state.items.some((item) => /pick up where it left off/.test(item.text))).toBe(false);
    client.dispose();
  });

  it('treats a typed clear as the New chat button, so the composer never waits for an answer that does not come', async () => {
    const sockets: FakeSocket[] = [];
    const client = new ChatClient({ url: 'ws://gateway.test/', createSocket: () => (sockets.push(new FakeSocket()), sockets.at(-1)!) });
    client.signIn({ kind: 'key', apiKey: 'key-1', orgId: 'o1' });
    await until(() => sockets.length === 1);
    const socket = sockets[0]!;
    socket.open();
    socket.server({ type: 'connection_established', message: 'hi', session_id: 's1' });
    socket.server({ type: 'auth_success', message: 'ok', session_id: 's1', ...who });
    expect(client.ask('  Clear ')).toBe(true);
    expect(socket.sent.at(-1)).toMatchObject({ type: 'query', content: 'clear' });
    expect(client.getState().runningQueryId).toBeUndefined();
    expect(client.getState().items).toEqual([]);
    client.dispose();
  });
});

describe('ChatClient when the session’s gateway node is gone (cluster mode)', () => {
  const transcript = [
    { role: 'user', content: 'Remember PELICAN-42', at: 1, query_id: 'q1' },
    { role: 'assistant', content: 'Noted.', at: 2, query_id: 'q1' },
  ];

  it('resumes on the new node with the key it still holds in memory, without asking', async () => {
    const sockets: FakeSocket[] = [];
    const client = new ChatClient({
      url: 'ws://gateway.test/',
      backoffMs: [1],
      createSocket: () => (sockets.push(new FakeSocket()), sockets.at(-1)!),
    });
    client.signIn({ kind: 'key', apiKey: 'key-1', orgId: 'o1' });
    await until(() => sockets.length === 1);
    const first = sockets[0]!;
    first.open();
    first.server({ type: 'connection_established', message: 'hi', session_id: 's1' });
    first.server({ type: 'auth_success', message: 'ok', session_id: 's1', ...who, extensions: ['resume'], resume_token: 'r1' });
    first.drop(1006);
    await until(() => sockets.length === 2);
    const second = sockets[1]!;
    second.open();
    second.server({ type: 'connection_established', message: 'hi', session_id: 's-new' });
    expect(second.sent.at(-1)).toEqual({ type: 'resume', session_id: 's1', resume_token: 'r1', extensions: expect.any(Array) });
    second.server({ type: 'error', code: 'RESUME_NEEDS_SIGN_IN', message: 'send the key' });
    expect(second.sent.at(-1)).toMatchObject({ type: 'resume', session_id: 's1', resume_token: 'r1', api_key: 'key-1', org_id: 'o1' });
    expect(client.getState().resumeSignIn).toBeUndefined();
    second.server({ type: 'resumed', session_id: 's1', message: 'back', ...who, extensions: ['resume'], resume_token: 'r2', transcript });
    expect(client.getState()).toMatchObject({ status: 'ready', sessionId: 's1' });
    expect(client.getState().items.map((item) => (item.kind === 'user' || item.kind === 'assistant' ? item.text : ''))).toEqual([
      'Remember PELICAN-42',
      'Noted.',
    ]);
    client.dispose();
  });

  it('after a reload asks for the key (org prefilled from the ticket), resumes with it, and keeps the ticket when a typed key is refused', async () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => void saved.set(key, value),
      removeItem: (key: string) => void saved.delete(key),
    };
    const sockets: FakeSocket[] = [];
    const options = {
      url: 'ws://gateway.test/',
      backoffMs: [1],
      storage,
      createSocket: () => (sockets.push(new FakeSocket()), sockets.at(-1)!),
    };
    const before = new ChatClient(options);
    before.signIn({ kind: 'key', apiKey: 'key-1', orgId: 'o1' });
    await until(() => sockets.length === 1);
    sockets[0]!.open();
    sockets[0]!.server({ type: 'connection_established', message: 'hi', session_id: 's1' });
    sockets[0]!.server({ type: 'auth_success', message: 'ok', session_id: 's1', ...who, extensions: ['resume'], resume_token: 'r1' });
    before.dispose();
    expect(JSON.stringify([...saved.values()])).not.toContain('key-1');

    // The page reloads: the key is gone, the ticket (with the org id) is in session storage.
    const client = new ChatClient(options);
    expect(client.canResume).toBe(true);
    client.resumeSaved();
    await until(() => sockets.length === 2);
    const socket = sockets[1]!;
    socket.open();
    socket.server({ type: 'connection_established', message: 'hi', session_id: 's-new' });
    socket.server({ type: 'error', code: 'RESUME_NEEDS_SIGN_IN', message: 'send the key' });
    expect(client.getState()).toMatchObject({ status: 'connected', resumeSignIn: { orgId: 'o1' } });

    client.resumeWithCredentials({ apiKey: 'wrong-key', orgId: 'o1' });
    expect(socket.sent.at(-1)).toMatchObject({ type: 'resume', session_id: 's1', resume_token: 'r1', api_key: 'wrong-key', org_id: 'o1' });
    socket.server({ type: 'error', code: 'RESUME_FAILED', message: 'That session cannot be resumed.' });
    expect(client.getState()).toMatchObject({ status: 'connected', resumeSignIn: { orgId: 'o1' }, authError: { code: 'RESUME_FAILED' } });
    expect(client.canResume).toBe(true);

    client.resumeWithCredentials({ apiKey: 'key-1', orgId: 'o1' });
    expect(socket.sent.at(-1)).toMatchObject({ type: 'resume', api_key: 'key-1', org_id: 'o1' });
    socket.server({ type: 'resumed', session_id: 's1', message: 'back', ...who, extensions: ['resume'], resume_token: 'r2', transcript });
    expect(client.getState().resumeSignIn).toBeUndefined();
    expect(client.getState().authError).toBeUndefined();
    expect(client.getState().items).toHaveLength(2);
    client.dispose();
  });
});
