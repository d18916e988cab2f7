import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { demoResponder } from '../fakes/anthropic/demoResponder';
import { startFakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import { errorReply, textReply, toolReply } from '../fakes/anthropic/replies';
import { startServe } from '../helpers/serveProcess';

import { startStack, type Stack } from '../integration/support/stack';

import { ask, nextOf, signIn, TestClient } from './support/client';

const acme = sandboxOrgs.acme;

describe('faults: Tallyfy and Anthropic misbehaving, clients vanishing', () => {
  let stack: Stack;
  let client: TestClient;

  beforeAll(async () => {
    // Short Tallyfy timeouts and backoff so timeouts and retries fit in a test; the same client code otherwise.
    stack = await startStack({ tallyfyClient: { timeoutMs: 400, maxRetries: 2, retryBaseDelayMs: 20, maxRetryAfterMs: 5000 } });
    ({ client } = await signIn(stack.url, sandboxTokens.alice, acme));
  });
  beforeEach(() => {
    stack.sandbox.faults.clear();
    stack.fake.script();
  });
  afterAll(async () => {
    client?.close();
    await stack?.close();
  });

  /** A follow-up query answered normally proves the session is still usable. */
  async function stillUsable(): Promise<void> {
    const reply = await ask(client, 'What tasks do I have open?');
    expect(reply.type).toBe('response');
    expect(String(reply.content)).toContain('Here is what I found');
  }

  it('sandbox 500s: the tool fails, the answer says so in words, the session goes on', async () => {
    stack.sandbox.faults.set({ failNext: { count: 5, status: 500 }, match: '/me/tasks' });
    const reply = await ask(client, 'What tasks do I have open?');
    expect(reply.type).toBe('response');
    expect(String(reply.content)).toMatch(/problem/i);
    expect(String(reply.content)).not.toMatch(/at .*\.ts:\d+|TypeError|undefined/);
    stack.sandbox.faults.clear();
    await stillUsable();
  });

  it('sandbox timing out: each attempt times out, the tool reports it, no hang', async () => {
    stack.sandbox.faults.set({ hangNext: 3, match: '/me/tasks' });
    const started = Date.now();
    const reply = await ask(client, 'What tasks do I have open?', 10_000);
    expect(reply.type).toBe('response');
    expect(String(reply.content)).toMatch(/timed out/i);
    expect(Date.now() - started).toBeLessThan(8000);
    stack.sandbox.faults.clear();
    await stillUsable();
  });

  it('sandbox 429 bursts: Retry-After is honoured and the answer still arrives', async () => {
    stack.sandbox.faults.set({ rateLimit: { requests: 2, retryAfterSeconds: 1 }, match: '/me/tasks' });
    const started = Date.now();
    const reply = await ask(client, 'What tasks do I have open?', 10_000);
    expect(reply.type).toBe('response');
    expect(String(reply.content)).toContain('found');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    const throttled = stack.sandbox.requestLog.filter((entry) => entry.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
  });

  it('Anthropic 429 then success: retried after retry-after; a long retry-after goes to the user as a clear error', async () => {
    stack.fake.script(errorReply(429, { headers: { 'retry-after': '0' } }), textReply('Recovered.'));
    expect(await ask(client, 'hello?')).toMatchObject({ type: 'response', content: 'Recovered.' });
    stack.fake.script(errorReply(429, { headers: { 'retry-after': '600' } }));
    const refused = await ask(client, 'hello again?');
    expect(refused).toMatchObject({ type: 'error', code: 'AGENT_FAILED' });
    expect(String(refused.message)).toMatch(/rate limit.*try again/i);
    await stillUsable();
  });

  it('Anthropic 529 beyond the retries: a clear overloaded error, then the session works', async () => {
    stack.fake.script(errorReply(529), errorReply(529), errorReply(529));
    const refused = await ask(client, 'are you there?', 10_000);
    expect(refused).toMatchObject({ type: 'error', code: 'AGENT_FAILED' });
    expect(String(refused.message)).toMatch(/overloaded/i);
    await stillUsable();
  });

  it('Anthropic resetting the connection mid-stream: retried before any text, a clear error after text', async () => {
    // Reset before the first text delta: retried quietly.
    stack.fake.script(textReply('first try', { resetAfterEvents: 1 }), textReply('Second try worked.'));
    expect(await ask(client, 'one?')).toMatchObject({ type: 'response', content: 'Second try worked.' });
    // Reset after text has streamed: not retried (it would repeat itself); the user is told.
    stack.fake.script(textReply('A long answer that gets cut off in the middle', { resetAfterEvents: 5 }));
    const cut = await ask(client, 'two?');
    expect(cut).toMatchObject({ type: 'error', code: 'AGENT_FAILED' });
    expect(String(cut.message)).toMatch(/dropped|ask again/i);
    // History stayed consistent: a tool round after this works.
    await stillUsable();
  });

  it('a client that negotiated resume vanishes mid-query: the answer is kept and delivered after the reconnect', async () => {
    const first = await TestClient.open(stack.url);
    first.send({ type: 'auth', api_key: sandboxTokens.carol, org_id: acme, extensions: ['resume'] });
    const success = await nextOf(first, ['auth_success']);
    let served = 0;
    stack.fake.setFallback(() => {
      served++;
      return served === 1 ? toolReply([{ name: 'get_my_tasks', input: {} }], 'Looking…', { eventDelayMs: 100 }) : textReply('Carol, here is your list.');
    });
    try {
      first.send({ type: 'query', content: 'What tasks do I have open?' });
      await nextOf(first, ['processing']);
      first.ws.terminate();
      const id = String(success.session_id);
      // The promised answer is still produced while the peer is away (two model rounds, one tool call).
      await expect.poll(() => served, { timeout: 5000 }).toBe(2);
      await expect.poll(() => stack.core.sessions.get(id)?.running, { timeout: 5000 }).toBe(false);
      const second = await TestClient.open(stack.url);
      const resumed = await second.request({ type: 'resume', session_id: id, resume_token: success.resume_token }, 'resumed');
      const transcript = (resumed.transcript as Array<{ role: string; content: string }>).map((entry) => `${entry.role}:${entry.content}`);
      expect(transcript.at(-1)).toContain('Carol, here is your list.');
      expect(transcript).toContain('user:What tasks do I have open?');
      second.close();
    } finally {
      stack.fake.setFallback(demoResponder);
    }
  });

  it('a client vanishing mid-query: the model call is abandoned and the session is released', async () => {
    const before = stack.core.sessions.size;
    const { client: leaving } = await signIn(stack.url, sandboxTokens.bob, acme);
    expect(stack.core.sessions.size).toBe(before + 1);
    let served = 0;
    stack.fake.script(() => {
      served++;
      return toolReply([{ name: 'get_my_tasks', input: {} }], 'Looking…', { eventDelayMs: 100 });
    });
    leaving.send({ type: 'query', content: 'What tasks do I have open?' });
    await nextOf(leaving, ['processing']);
    await expect.poll(() => served, { timeout: 3000 }).toBe(1);
    leaving.ws.terminate();
    await expect.poll(() => stack.core.sessions.size, { timeout: 5000 }).toBe(before);
    // The agent did not go on to a second model round for the vanished client.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(served).toBe(1);
    stack.fake.script();
    await stillUsable();
  });
});

describe('SIGTERM mid-query on `serve`', () => {
  it('tells the client the server is going away (1001), exits 0, and leaves no stack trace', async () => {
    const fake = await startFakeAnthropic();
    const dataDir = mkdtempSync(join(tmpdir(), 'gateway-sigterm-'));
    const serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0', '--data-dir', dataDir], {
      env: { ANTHROPIC_API_KEY: 'sk-ant-sigterm-test', ANTHROPIC_BASE_URL: fake.url, GATEWAY_ADMIN_TOKEN: undefined },
    });
    try {
      await serve.ready;
      const url = serve.url('WebSocket');
      fake.setFallback(textReply('A slow answer, streamed piece by piece.', { eventDelayMs: 300 }));
      const { client } = await signIn(url, sandboxTokens.alice, acme);
      client.send({ type: 'query', content: 'Tell me slowly.' });
      await nextOf(client, ['processing']);
      await expect.poll(() => fake.messageRequests.length, { timeout: 5000 }).toBeGreaterThan(0);
      serve.child.kill('SIGTERM');
      const notice = await nextOf(client, ['error', 'info', 'response'], 10_000);
      expect(JSON.stringify(notice)).toMatch(/shutting down|going away|stopp/i);
      expect((await client.waitClose(10_000)).code).toBe(1001);
      expect(await serve.exited).toBe(0);
      expect(serve.stderr()).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(serve.stdout() + serve.stderr()).not.toContain('sk-ant-sigterm-test');
    } finally {
      if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});
