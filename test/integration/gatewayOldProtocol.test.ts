import { afterEach, describe, expect, it } from 'vitest';

import { originalServerTypes } from '../../shared/protocol';

import { scriptedEngine, startTestGateway, type TestGateway } from './support/testGateway';
import { TestClient } from './support/wsClient';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('an old-protocol client (original messages only)', () => {
  it('connects, signs in, pings, asks, approves in plain text, clears and quits, and never sees a type it does not know', async () => {
    const engine = scriptedEngine(async (input, history) => {
      if (input.query.includes('delete')) {
        input.emit({ kind: 'delta', text: 'Deleting…' });
        input.emit({ kind: 'tool_start', callId: 'c1', tool: 'delete_task', args: { task_id: 'abc' } });
        const approved = (await input.requestApproval({ tool: 'delete_task', args: { task_id: 'abc' }, destructive: true })) !== 'deny';
        input.emit({ kind: 'tool_end', callId: 'c1', tool: 'delete_task', status: approved ? 'ok' : 'denied', durationMs: 3 });
        return approved ? 'Deleted task abc.' : 'Left task abc alone.';
      }
      return `Answer #${history.length + 1} to "${input.query}"`;
    });
    gateway = await startTestGateway({ engine });
    const client = await TestClient.open(gateway.url);

    const established = client.frames[0]!;
    expect(established).toMatchObject({ type: 'connection_established' });
    expect(established.session_id).toMatch(/^[0-9a-f-]{36}$/);

    expect(await client.request({ type: 'query', content: 'hello?' }, 'error')).toMatchObject({ code: 'NOT_AUTHENTICATED' });

    const refused = await client.request({ type: 'auth', api_key: 'tok-wrong', org_id: 'org-a' }, 'auth_error');
    expect(refused).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(JSON.stringify(refused)).not.toContain('tok-wrong');

    const success = await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    expect(success).toMatchObject({ user: { name: 'Alice Admin', email: 'alice@acme.test' }, session_id: established.session_id });
    expect(success.resume_token).toBeUndefined();

    expect(await client.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });

    const processing = client.next('processing');
    const response = client.next('response');
    client.send({ type: 'query', content: 'How many tasks?' });
    await processing;
    expect((await response).content).toBe('Answer #1 to "How many tasks?"');

    // A write asks in an info; a plain "yes" query answers.
    const ask = client.next('info');
    client.send({ type: 'query', content: 'delete task abc' });
    expect((await ask).message).toMatch(/delete_task.*yes.*no/s);
    expect(await client.request({ type: 'query', content: 'maybe later' }, 'error')).toMatchObject({ code: 'APPROVAL_PENDING' });
    const approved = client.next('response');
    client.send({ type: 'query', content: 'yes' });
    expect((await approved).content).toBe('Deleted task abc.');

    const denyAsk = client.next('info');
    client.send({ type: 'query', content: 'delete task abc again' });
    await denyAsk;
    const denied = client.next('response');
    client.send({ type: 'query', content: 'No' });
    expect((await denied).content).toBe('Left task abc alone.');

    expect(await client.request({ type: 'query', content: 'clear' }, 'info')).toMatchObject({ message: 'Conversation history cleared.' });
    expect((await client.request({ type: 'query', content: 'again' }, 'response')).content).toBe('Answer #1 to "again"');

    const goodbye = client.next('info');
    client.send({ type: 'query', content: 'quit' });
    expect((await goodbye).message).toMatch(/goodbye/i);
    expect((await client.waitClose()).code).toBe(1000);

    const unknown = client.types().filter((type) => !(originalServerTypes as readonly string[]).includes(type));
    expect(unknown).toEqual([]);
    await expect.poll(() => gateway!.registry.size).toBe(0);
  });

  it('quit works even while a plain-text approval question is open', async () => {
    const engine = scriptedEngine(async (input) =>
      (await input.requestApproval({ tool: 'delete_run', args: { run_id: 'r1' }, destructive: true })) !== 'deny' ? 'deleted' : 'kept',
    );
    gateway = await startTestGateway({ engine });
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    expect(await client.request({ type: 'query', content: 'delete run r1' }, 'info')).toMatchObject({ code: 'approval_needed' });
    expect(await client.request({ type: 'query', content: 'quit' }, 'info')).toMatchObject({ code: 'goodbye' });
    expect((await client.waitClose()).code).toBe(1000);
    await expect.poll(() => gateway!.registry.size).toBe(0);
  });

  it('refuses a second query while one runs, with BUSY, and answers the first', async () => {
    let release: () => void = () => undefined;
    const engine = scriptedEngine(async (input) => {
      if (input.query === 'slow') await new Promise<void>((resolve) => (release = resolve));
      return `done: ${input.query}`;
    });
    gateway = await startTestGateway({ engine });
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-bob', org_id: 'org-a' }, 'auth_success');
    await client.request({ type: 'query', content: 'slow' }, 'processing');
    expect(await client.request({ type: 'query', content: 'fast' }, 'error')).toMatchObject({ code: 'BUSY' });
    expect(await client.request({ type: 'query', content: 'clear' }, 'error')).toMatchObject({ code: 'BUSY' });
    release();
    expect((await client.next('response')).content).toBe('done: slow');
    expect((await client.request({ type: 'query', content: 'fast' }, 'response')).content).toBe('done: fast');
    client.close();
  });

  it('reports engine failures as error AGENT_FAILED with secrets scrubbed, and stays usable', async () => {
    const engine = scriptedEngine((input) => {
      if (input.query === 'boom') throw new Error('upstream said no for key tok-carol-secret');
      return 'fine';
    });
    gateway = await startTestGateway({ engine });
    // A server-wide secret (another session's key is not looked for in Alice's output: docs/security.md).
    gateway.secrets.addServerWide('tok-carol-secret');
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    const error = await client.request({ type: 'query', content: 'boom' }, 'error');
    expect(error.code).toBe('AGENT_FAILED');
    expect(String(error.message)).not.toContain('tok-carol-secret');
    expect((await client.request({ type: 'query', content: 'ok?' }, 'response')).content).toBe('fine');
    client.close();
  });
});
