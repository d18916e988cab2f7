import { afterEach, describe, expect, it } from 'vitest';

import type { RunInput } from '../../electron/core/sessions/engine';
import { FakeClock } from '../../electron/core/sessions/testing/fakeClock';

import { countingToolFactory, scriptedEngine, startTestGateway, type TestGateway } from './support/testGateway';
import { TestClient } from './support/wsClient';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const all = ['stream', 'tools', 'approvals', 'cancel', 'resume', 'idle'];

/** An engine that streams, calls a tool, asks approval for writes, and honours cancel. */
const richEngine = scriptedEngine(async (input: RunInput) => {
  if (input.query === 'wait') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, 10_000);
      input.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    });
    return 'waited';
  }
  input.emit({ kind: 'delta', text: 'Looking ' });
  input.emit({ kind: 'delta', text: 'it up.' });
  const host = await input.tools();
  input.emit({ kind: 'tool_start', callId: 'c1', tool: 'list_tasks', args: { status: 'open', token: 'tok-alice' } });
  const outcome = await host.callTool('list_tasks', {});
  input.emit({ kind: 'tool_end', callId: 'c1', tool: 'list_tasks', status: 'ok', durationMs: 4 });
  input.emit({ kind: 'usage', usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 } });
  if (input.query.startsWith('complete')) {
    const approved = (await input.requestApproval({
      tool: 'complete_task',
      title: 'Complete task',
      args: { task_id: 't1' },
      destructive: false,
    })) !== 'deny';
    return approved ? `${outcome.text}; completed` : `${outcome.text}; not completed`;
  }
  return outcome.text;
});

describe('protocol extensions', () => {
  it('streams deltas and tool events, counts stats, and asks approvals with messages (negotiated at auth)', async () => {
    const tools = countingToolFactory();
    gateway = await startTestGateway({ engine: richEngine, toolHostFactory: tools });
    const client = await TestClient.open(gateway.url);
    const success = await client.request(
      { type: 'auth', api_key: 'tok-alice', org_id: 'org-a', extensions: all, client: 'test' },
      'auth_success',
    );
    expect(success.extensions).toEqual(all);
    expect(typeof success.resume_token).toBe('string');
    expect(tools.built).toBe(0);

    const response = client.next('response');
    client.send({ type: 'query', content: 'what is open?', query_id: 'q1' });
    expect((await response).content).toBe('ran list_tasks');
    const types = client.types();
    // The two short deltas are held back together (SessionScrubber) and sent as one before the tool call.
    expect(types.slice(types.indexOf('processing'))).toEqual(['processing', 'delta', 'tool_call', 'tool_result', 'response']);
    expect(client.frames.find((frame) => frame.type === 'delta')).toMatchObject({ query_id: 'q1', text: 'Looking it up.' });
    const call = client.frames.find((frame) => frame.type === 'tool_call')!;
    expect(call).toMatchObject({ query_id: 'q1', tool: 'list_tasks', args: { status: 'open', token: '[redacted]' } });
    expect(tools.built).toBe(1);

    const request = client.next('approval_request');
    client.send({ type: 'query', content: 'complete t1', query_id: 'q2' });
    const ask = await request;
    expect(ask).toMatchObject({ query_id: 'q2', tool: 'complete_task', title: 'Complete task', destructive: false });
    expect(await client.request({ type: 'approval', request_id: 'nope', approved: true }, 'error')).toMatchObject({
      code: 'NO_PENDING_APPROVAL',
    });
    const resolved = client.next('approval_resolved');
    const done = client.next('response');
    client.send({ type: 'approval', request_id: ask.request_id, approved: true });
    expect(await resolved).toMatchObject({ approved: true, reason: 'answered' });
    expect((await done).content).toBe('ran list_tasks; completed');
    expect(tools.built).toBe(1);

    const snapshot = gateway.registry.list()[0]!;
    expect(snapshot).toMatchObject({ kind: 'ws', client: 'test', authenticated: true, state: 'idle', user: { email: 'alice@acme.test' } });
    expect(snapshot.stats).toMatchObject({ queries: 2, toolCalls: 2, usage: { inputTokens: 200, outputTokens: 40 } });
    expect(JSON.stringify(snapshot)).not.toContain('tok-alice');
    const stats = gateway.registry.stats();
    expect(stats.toolCalls.list_tasks).toEqual({ count: 2, errors: 0 });
    expect(stats.tokensByUser['org-a:1']).toMatchObject({ email: 'alice@acme.test', inputTokens: 200 });
    expect(stats.latency).toHaveLength(2);
    client.close();
  });

  it('an always-answer counts as a plain allow when the engine cannot remember it (no allow_always offered)', async () => {
    const answers: string[] = [];
    const engine = scriptedEngine(async (input) => {
      input.emit({ kind: 'tool_pending', callId: 'c9', tool: 'delete_run', args: { run_id: 'r1' } });
      const answer = await input.requestApproval({ tool: 'delete_run', args: { run_id: 'r1' }, destructive: true, callId: 'c9' });
      answers.push(answer);
      return answer;
    });
    gateway = await startTestGateway({ engine });
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a', extensions: ['tools', 'approvals'] }, 'auth_success');
    const ask = await client.request({ type: 'query', content: 'delete it' }, 'approval_request');
    expect(ask).toMatchObject({ call_id: 'c9', tool: 'delete_run' });
    expect(ask.allow_always).toBeUndefined();
    expect(client.frames.find((frame) => frame.type === 'tool_call')).toMatchObject({ call_id: 'c9', status: 'awaiting_approval' });
    const resolved = client.next('approval_resolved');
    const response = client.next('response');
    client.send({ type: 'approval', request_id: ask.request_id, approved: true, always: true });
    expect(await resolved).toEqual({ type: 'approval_resolved', request_id: ask.request_id, approved: true, reason: 'answered', call_id: 'c9' });
    expect((await response).content).toBe('allow');
    expect(answers).toEqual(['allow']);
    client.close();
  });

  it('never streams its own credential or a server-wide secret, even split across deltas, nor puts one in the response', async () => {
    // Another session's key is not looked for at all (that was an oracle, test/security/oracle.test.ts).
    const serverSecret = 'sk-ant-server-wide-0123456789';
    const engine = scriptedEngine((input) => {
      for (const piece of ['Your key is tok-a', 'li', 'ce and the server has sk-ant-ser', 'ver-wide-01234', '56789.', ' Done'])
        input.emit({ kind: 'delta', text: piece });
      return `Your key is tok-alice and the server has ${serverSecret}. Done`;
    });
    gateway = await startTestGateway({ engine });
    gateway.secrets.addServerWide(serverSecret);
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a', extensions: ['stream'] }, 'auth_success');
    const response = await client.request({ type: 'query', content: 'leak please' }, 'response');
    const streamed = client.frames
      .filter((frame) => frame.type === 'delta')
      .map((frame) => String(frame.text))
      .join('');
    expect(streamed).toBe('Your key is [redacted] and the server has [redacted]. Done');
    expect(response.content).toBe('Your key is [redacted] and the server has [redacted]. Done');
    client.close();
  });

  it('never streams a credential that ends with its own first characters (regression: it was held at the wrong place and leaked)', async () => {
    // The tail "tok" of this key is also its start: the held-back tail once cut the whole key in two.
    const key = 'tok-xyz-tok';
    const engine = scriptedEngine((input) => {
      for (const piece of [`Key: ${key}`, ' end, again tok-x', 'yz-tok.']) input.emit({ kind: 'delta', text: piece });
      return `Key: ${key} end, again ${key}.`;
    });
    const authenticate = async () => ({ user: { id: '9', name: 'Tess', email: 'tess@acme.example' }, org: { id: 'org-a' } });
    gateway = await startTestGateway({ engine, authenticate });
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: key, org_id: 'org-a', extensions: ['stream'] }, 'auth_success');
    const response = await client.request({ type: 'query', content: 'leak please' }, 'response');
    const streamed = client.frames
      .filter((frame) => frame.type === 'delta')
      .map((frame) => String(frame.text))
      .join('');
    expect(streamed).toBe('Key: [redacted] end, again [redacted].');
    expect(response.content).toBe('Key: [redacted] end, again [redacted].');
    client.close();
  });

  it('negotiates by hello (answered with welcome), cancels a running query, and refuses a cancel with nothing running', async () => {
    gateway = await startTestGateway({ engine: richEngine });
    const client = await TestClient.open(gateway.url);
    const welcome = await client.request({ type: 'hello', extensions: ['cancel', 'warp-drive'] }, 'welcome');
    expect(welcome.extensions).toEqual(['cancel']);
    await client.request({ type: 'auth', api_key: 'tok-bob', org_id: 'org-a' }, 'auth_success');
    expect(await client.request({ type: 'cancel' }, 'error')).toMatchObject({ code: 'NOTHING_TO_CANCEL' });
    await client.request({ type: 'query', content: 'wait', query_id: 'q9' }, 'processing');
    expect(await client.request({ type: 'cancel', query_id: 'q9' }, 'cancelled')).toMatchObject({ query_id: 'q9' });
    expect(gateway.registry.list()[0]!.state).toBe('idle');
    expect((await client.request({ type: 'query', content: 'again' }, 'response')).content).toBe('ran list_tasks');
    expect(client.types()).not.toContain('delta');
    client.close();
  });

  it('an old client cancelling gets an info', async () => {
    gateway = await startTestGateway({ engine: richEngine });
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-bob', org_id: 'org-a' }, 'auth_success');
    await client.request({ type: 'query', content: 'wait' }, 'processing');
    expect(await client.request({ type: 'cancel' }, 'info')).toMatchObject({ code: 'cancelled' });
    client.close();
  });

  it('resumes after a reconnect: same session, transcript, the answer that arrived while away, and a pending approval', async () => {
    let release: () => void = () => undefined;
    const engine = scriptedEngine(async (input) => {
      if (input.query === 'slow') {
        await new Promise<void>((resolve) => (release = resolve));
        return 'slow answer';
      }
      if (input.query === 'approve me')
        return (await input.requestApproval({ tool: 'delete_run', args: { run_id: 'r1' }, destructive: true })) !== 'deny' ? 'deleted' : 'kept';
      return `echo ${input.query}`;
    });
    gateway = await startTestGateway({ engine });
    const first = await TestClient.open(gateway.url);
    const success = await first.request({ type: 'auth', api_key: 'tok-dave', org_id: 'org-b', extensions: all }, 'auth_success');
    await first.request({ type: 'query', content: 'hi' }, 'response');
    await first.request({ type: 'query', content: 'slow' }, 'processing');
    first.ws.terminate();
    await expect.poll(() => gateway!.registry.get(String(success.session_id))?.attached).toBe(false);
    expect(gateway.registry.list()[0]).toMatchObject({ detached: true });
    release();
    await expect.poll(() => gateway!.registry.get(String(success.session_id))?.running).toBe(false);

    const second = await TestClient.open(gateway.url);
    expect(await second.request({ type: 'resume', session_id: success.session_id, resume_token: 'wrong' }, 'error')).toMatchObject({
      code: 'RESUME_FAILED',
    });
    const resumed = await second.request(
      { type: 'resume', session_id: success.session_id, resume_token: success.resume_token, extensions: all },
      'resumed',
    );
    expect(resumed).toMatchObject({ session_id: success.session_id, user: { name: 'Dave Beta' } });
    expect((resumed.transcript as Array<{ role: string; content: string }>).map((entry) => `${entry.role}:${entry.content}`)).toEqual([
      'user:hi',
      'assistant:echo hi',
      'user:slow',
      'assistant:slow answer',
    ]);
    expect(resumed.resume_token).not.toBe(success.resume_token);
    expect(gateway.registry.size).toBe(1);

    // An approval pending while away is asked again after the resume.
    const ask = second.next('approval_request');
    second.send({ type: 'query', content: 'approve me' });
    await ask;
    second.ws.terminate();
    const third = await TestClient.open(gateway.url);
    const again = third.next('approval_request');
    await third.request({ type: 'resume', session_id: success.session_id, resume_token: resumed.resume_token, extensions: all }, 'resumed');
    const request = await again;
    const answer = third.next('response');
    third.send({ type: 'approval', request_id: request.request_id, approved: true });
    expect((await answer).content).toBe('deleted');
    // The spent token no longer works.
    const fourth = await TestClient.open(gateway.url);
    expect(
      await fourth.request({ type: 'resume', session_id: success.session_id, resume_token: success.resume_token }, 'error'),
    ).toMatchObject({ code: 'RESUME_FAILED' });
    third.close();
    fourth.close();
  });

  it('a resume that replaces a still-open connection closes the old one with 4002', async () => {
    gateway = await startTestGateway();
    const first = await TestClient.open(gateway.url);
    const success = await first.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a', extensions: ['resume'] }, 'auth_success');
    const second = await TestClient.open(gateway.url);
    await second.request({ type: 'resume', session_id: success.session_id, resume_token: success.resume_token }, 'resumed');
    expect((await first.waitClose()).code).toBe(4002);
    expect((await second.request({ type: 'query', content: 'still here?' }, 'response')).content).toBe('You said: still here?');
    second.close();
  });

  it('warns before idle expiry, then closes with 4001 and wipes the credentials (fake clock)', async () => {
    const clock = new FakeClock(Date.now());
    const tools = countingToolFactory();
    gateway = await startTestGateway({
      clock,
      toolHostFactory: tools,
      engine: scriptedEngine(async (input) => (await (await input.tools()).callTool('get_me', {})).text),
      registry: { idleTimeoutMinutes: 10, idleWarningMs: 60_000, toolReleaseMs: 2 * 60_000, sweepIntervalMs: 1000 },
    });
    const modern = await TestClient.open(gateway.url);
    await modern.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a', extensions: ['idle'] }, 'auth_success');
    const old = await TestClient.open(gateway.url);
    await old.request({ type: 'auth', api_key: 'tok-bob', org_id: 'org-a' }, 'auth_success');
    await modern.request({ type: 'query', content: 'who am I' }, 'response');
    expect(tools.built).toBe(1);
    expect(gateway.secrets.scrub('tok-alice tok-bob')).toBe('[redacted] [redacted]');

    clock.advance(3 * 60_000);
    await expect.poll(() => tools.closed).toBe(1); // the tool host is released when unused, the session stays
    expect(gateway.registry.size).toBe(2);

    clock.advance(5 * 60_000); // 8 min idle: not yet warned (warning at 9)
    expect(modern.types()).not.toContain('idle_warning');
    // Bob does something: his clock restarts.
    await old.request({ type: 'ping' }, 'pong');
    await old.request({ type: 'query', content: 'hello' }, 'response');
    clock.advance(61_000);
    const warning = await modern.next('idle_warning');
    expect(warning.seconds_left).toBeLessThanOrEqual(60);
    expect(old.types()).not.toContain('idle_warning');

    clock.advance(60_000);
    expect((await modern.waitClose()).code).toBe(4001);
    expect(modern.frames.at(-1)).toMatchObject({ type: 'info', code: 'idle_expired' });
    expect(gateway.registry.size).toBe(1);
    expect(gateway.secrets.scrub('tok-alice')).toBe('tok-alice');
    expect(gateway.secrets.scrub('tok-bob')).toBe('[redacted]');

    clock.advance(8 * 60_000);
    expect((await old.next('info')).code).toBe('idle_warning');
    clock.advance(2 * 60_000);
    expect((await old.waitClose()).code).toBe(4001);
    expect(gateway.registry.size).toBe(0);
    expect(gateway.secrets.size).toBe(0);
  });

  it('closes a connection that never signs in after the sign-in timeout (fake clock)', async () => {
    const clock = new FakeClock(Date.now());
    gateway = await startTestGateway({ clock, registry: { signInTimeoutMs: 120_000, sweepIntervalMs: 1000 } });
    const lurker = await TestClient.open(gateway.url);
    const member = await TestClient.open(gateway.url);
    await member.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    clock.advance(119_000);
    expect(lurker.closed).toBeUndefined();
    clock.advance(2000);
    expect((await lurker.waitClose()).code).toBe(4001);
    expect(member.closed).toBeUndefined();
    expect(gateway.registry.size).toBe(1);
    member.close();
  });

  it('ends a detached session when its resume grace runs out', async () => {
    const clock = new FakeClock(Date.now());
    gateway = await startTestGateway({ clock, registry: { resumeGraceMs: 30_000, sweepIntervalMs: 1000 } });
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a', extensions: ['resume'] }, 'auth_success');
    client.ws.terminate();
    await expect.poll(() => gateway!.registry.list()[0]?.detached).toBe(true);
    clock.advance(31_000);
    expect(gateway.registry.size).toBe(0);
    expect(gateway.secrets.size).toBe(0);
  });

  it('ends a detached session after its grace even while its query hangs, aborting the query', async () => {
    const clock = new FakeClock(Date.now());
    let aborted = false;
    const engine = scriptedEngine(
      (input) =>
        new Promise<string>((_resolve, reject) =>
          input.signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          }),
        ),
    );
    gateway = await startTestGateway({ clock, engine, registry: { resumeGraceMs: 30_000, sweepIntervalMs: 1000 } });
    const client = await TestClient.open(gateway.url);
    await client.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a', extensions: ['resume'] }, 'auth_success');
    await client.request({ type: 'query', content: 'hang forever' }, 'processing');
    client.ws.terminate();
    await expect.poll(() => gateway!.registry.list()[0]?.detached).toBe(true);
    clock.advance(31_000);
    expect(gateway.registry.size).toBe(0);
    await expect.poll(() => aborted).toBe(true);
  });
});
