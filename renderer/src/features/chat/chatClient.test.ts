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
