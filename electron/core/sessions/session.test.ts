import { afterEach, describe, expect, it, vi } from 'vitest';

import { AgentError } from '../agent/errors';
import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import { TallyfyServerError } from '../tallyfy/errors';

import { defaultApprovalTimeoutMs } from './approvalBroker';
import type { ApprovalReply, QueryEngine, RunInput } from './engine';
import { Session, type SessionEvent } from './session';
import { FakeClock } from './testing/fakeClock';

/** A scripted engine: each query runs the script registered for its text, with the run input to drive. */
function scriptedEngine(scripts: Record<string, (input: RunInput) => Promise<string>>) {
  let cleared = 0;
  const engine: QueryEngine = {
    open: () => ({
      run: async (input) => {
        const script = scripts[input.query];
        if (!script) throw new Error(`no script for ${input.query}`);
        return { text: await script(input) };
      },
      clear: () => {
        cleared += 1;
      },
    }),
  };
  return { engine, cleared: () => cleared };
}

const identity = { user: { id: 'u1', name: 'Alice', email: 'alice@example.com' }, org: { id: 'o1' } };
const apiKey = 'tok-alice-0123456789abcdef';

function setup(scripts: Record<string, (input: RunInput) => Promise<string>>, options: { approvalTimeoutMs?: number } = {}) {
  const secrets = new SecretRegistry();
  const clock = new FakeClock(1_000_000);
  const { engine, cleared } = scriptedEngine(scripts);
  let toolHosts = 0;
  const session = new Session('ws', '10.0.0.5', {
    clock,
    secrets,
    logger: createLogger({ secrets, destination: null }),
    engine,
    toolHostFactory: async () => {
      toolHosts += 1;
      return { listTools: async () => [], callTool: async () => ({ text: 'done', isError: false }), close: async () => undefined };
    },
    idleTimeoutMs: 30 * 60_000,
    ...options,
  });
  const events: SessionEvent[] = [];
  session.on((event) => events.push(event));
  session.attach();
  session.signIn(identity, { apiKey, orgId: 'o1' });
  const seen = () => events.filter((event) => event.type !== 'changed').map((event) => event.type);
  return { session, secrets, clock, events, seen, cleared, toolHosts: () => toolHosts };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Session (scripted engine, no sockets)', () => {
  it('answers a query: processing, scrubbed deltas, one tool call, the response; transcript and stats follow', async () => {
    const { session, events, seen } = setup({
      hello: async (input) => {
        // The key split across two deltas must not reach the peer.
        input.emit({ kind: 'delta', text: `Your key is ${apiKey.slice(0, 10)}` });
        input.emit({ kind: 'delta', text: `${apiKey.slice(10)}, and ` });
        await input.tools();
        input.emit({ kind: 'tool_start', callId: 'c1', tool: 'list_tasks', args: { token: apiKey } });
        input.emit({ kind: 'tool_end', callId: 'c1', tool: 'list_tasks', status: 'ok', durationMs: 3 });
        input.emit({ kind: 'usage', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 } });
        return `done with ${apiKey}`;
      },
    });
    await session.ask('hello', 'q1');
    // Short text is held back (a fixed hold-back for server-wide secrets) and flushed, scrubbed, before the tool call.
    expect(seen()).toEqual(['processing', 'delta', 'tool_call', 'tool_result', 'usage', 'query_done', 'response']);
    const streamed = events.flatMap((event) => (event.type === 'delta' ? [event.text] : [])).join('');
    expect(streamed).toBe('Your key is [redacted], and ');
    expect(JSON.stringify(events)).not.toContain(apiKey);
    expect(events.find((event) => event.type === 'response')).toEqual({ type: 'response', queryId: 'q1', text: 'done with [redacted]' });
    expect(session.transcript.map((entry) => [entry.role, entry.tools?.map((tool) => [tool.tool, tool.status])])).toEqual([
      ['user', undefined],
      ['assistant', [['list_tasks', 'ok']]],
    ]);
    const snapshot = session.snapshot();
    expect(snapshot).toMatchObject({ state: 'idle', stats: { queries: 1, toolCalls: 1, errors: 0, usage: { inputTokens: 10 } } });
    expect(snapshot.recentToolCalls).toEqual([expect.objectContaining({ tool: 'list_tasks', status: 'ok', durationMs: 3 })]);
    expect(JSON.stringify(snapshot)).not.toContain(apiKey);
  });

  it('refuses a second query and a clear while one runs (BUSY), then clears', async () => {
    let release!: () => void;
    const { session, events, cleared } = setup({ slow: () => new Promise((resolve) => (release = () => resolve('ok'))), fast: async () => 'fast' });
    const running = session.ask('slow', 'q1');
    await session.ask('fast', 'q2');
    session.clearHistory('q3');
    expect(events.filter((event) => event.type === 'error')).toEqual([
      expect.objectContaining({ code: 'BUSY', queryId: 'q2' }),
      expect.objectContaining({ code: 'BUSY', queryId: 'q3' }),
    ]);
    release();
    await running;
    session.clearHistory();
    expect(cleared()).toBe(1);
    expect(session.transcript).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'history_cleared' });
  });

  it('asks for approval, waits in awaiting_approval, and gives the engine the answer (always only when offered)', async () => {
    const replies: ApprovalReply[] = [];
    const { session, events } = setup({
      change: async (input) => {
        input.emit({ kind: 'tool_pending', callId: 'c1', tool: 'complete_task', args: {} });
        replies.push(await input.requestApproval({ tool: 'complete_task', args: { id: 't1' }, destructive: false, callId: 'c1' }));
        replies.push(await input.requestApproval({ tool: 'delete_task', args: { id: 't1' }, destructive: true, allowAlways: true }));
        return 'ok';
      },
    });
    const query = session.ask('change', 'q1');
    expect(session.state).toBe('awaiting_approval');
    const first = session.pendingApproval!;
    expect(first).toMatchObject({ tool: 'complete_task', queryId: 'q1', callId: 'c1', allowAlways: false });
    session.answerApproval('not-the-id', 'allow');
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'NO_PENDING_APPROVAL' });
    session.answerApproval(first.requestId, 'always');
    await vi.waitFor(() => expect(session.pendingApproval?.tool).toBe('delete_task'));
    session.answerApproval(session.pendingApproval!.requestId, 'always');
    await query;
    expect(replies).toEqual(['allow', 'always']);
    expect(events.filter((event) => event.type === 'approval_resolved').map((event) => event.type === 'approval_resolved' && [event.answer, event.reason])).toEqual([
      ['allow', 'answered'],
      ['always', 'answered'],
    ]);
    expect(events.find((event) => event.type === 'tool_call')).toMatchObject({ awaitingApproval: true });
    expect(session.state).toBe('idle');
  });

  it('times an unanswered approval out once, after the broker timeout (default 2 minutes), and tells the engine', async () => {
    vi.useFakeTimers();
    let reply: ApprovalReply | undefined;
    const { session, events } = setup({
      change: async (input) => {
        reply = await input.requestApproval({ tool: 'complete_task', args: {}, destructive: false });
        return 'not done';
      },
    });
    const query = session.ask('change', 'q1');
    await vi.advanceTimersByTimeAsync(defaultApprovalTimeoutMs - 1000);
    expect(session.pendingApproval).toBeDefined();
    await vi.advanceTimersByTimeAsync(1000);
    await query;
    expect(reply).toBe('timeout');
    expect(events.filter((event) => event.type === 'approval_resolved')).toEqual([expect.objectContaining({ answer: 'deny', reason: 'timeout' })]);
  });

  it('cancels the running query (a waiting approval counts as a no) and says when there is nothing to cancel', async () => {
    const { session, events } = setup({
      change: (input) =>
        new Promise((_resolve, reject) => {
          void input.requestApproval({ tool: 'complete_task', args: {}, destructive: false });
          input.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const query = session.ask('change', 'q1');
    session.cancel('other');
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'NOTHING_TO_CANCEL', queryId: 'other' });
    session.cancel('q1');
    await query;
    expect(events.filter((event) => event.type === 'approval_resolved')).toEqual([expect.objectContaining({ answer: 'deny', reason: 'cancelled' })]);
    expect(events.at(-1)).toEqual({ type: 'cancelled', queryId: 'q1' });
    expect(session.running).toBe(false);
  });

  it('reports failures with a stable code and the detailed one, scrubbed, and stays usable', async () => {
    const { session, events } = setup({
      overloaded: async () => {
        throw new AgentError('AGENT_OVERLOADED', `Claude is overloaded (key ${apiKey}).`, true);
      },
      tallyfy: async () => {
        throw new TallyfyServerError('Tallyfy failed.', { status: 502, method: 'GET', path: '/me' });
      },
      plain: async () => {
        throw new Error('boom');
      },
      fine: async () => 'ok',
    });
    for (const query of ['overloaded', 'tallyfy', 'plain', 'fine']) await session.ask(query, query);
    const errors = events.flatMap((event) => (event.type === 'error' ? [event] : []));
    expect(errors.map((event) => [event.code, event.detailCode])).toEqual([
      ['AGENT_FAILED', 'AGENT_OVERLOADED'],
      ['TALLYFY_ERROR', 'SERVER_ERROR'],
      ['AGENT_FAILED', undefined],
    ]);
    expect(errors[0]!.message).toBe('Claude is overloaded (key [redacted]).');
    expect(events.at(-1)).toMatchObject({ type: 'response', text: 'ok' });
    expect(session.snapshot().stats.errors).toBe(3);
  });

  it('waits for a resume when the peer can resume, ends otherwise; ending wipes the credentials and is reported last', async () => {
    const { session, secrets, events, clock } = setup({});
    session.describeConnection({ extensions: ['resume'], resumable: true });
    const token = session.issueResumeToken();
    session.detach();
    expect(session.ended).toBe(false);
    expect(session.detachedAt).toBe(clock.now());
    expect(session.checkResumeToken(token)).toBe(true);
    session.resumed();
    expect(session.snapshot().detached).toBe(false);
    session.describeConnection({ extensions: [], resumable: false });
    session.detach();
    expect(session.ended).toBe(true);
    expect(session.holdsCredentials).toBe(false);
    expect(session.checkResumeToken(token)).toBe(false);
    expect(secrets.size).toBe(0);
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'disconnected' });
    session.end('kicked');
    expect(events.filter((event) => event.type === 'ended')).toHaveLength(1);
  });
});

describe('an idle session stays small (bench §2, docs/performance.md)', () => {
  it('builds its query runner at the first question: before it, cancel and approval answers are refused as usual, and the question is answered', async () => {
    let opened = 0;
    const secrets = new SecretRegistry();
    const session = new Session('ws', '10.0.0.5', {
      clock: new FakeClock(1_000_000),
      secrets,
      logger: createLogger({ secrets, destination: null }),
      engine: {
        open: () => {
          opened += 1;
          return { run: async (input) => ({ text: `answer to ${input.query}` }), clear: () => undefined };
        },
      },
      toolHostFactory: async () => {
        throw new Error('no tools needed');
      },
      idleTimeoutMs: 60_000,
    });
    const events: SessionEvent[] = [];
    session.on((event) => events.push(event));
    session.attach();
    session.signIn(identity, { apiKey, orgId: 'o1' });
    session.clearHistory();
    session.cancel();
    session.answerApproval('r1', 'allow');
    expect(session.running).toBe(false);
    expect(session.pendingApproval).toBeUndefined();
    expect(session.snapshot().awaitingApprovalFor).toBeUndefined();
    expect(events.filter((event) => event.type === 'error').map((event) => (event as { code: string }).code)).toEqual([
      'NOTHING_TO_CANCEL',
      'NO_PENDING_APPROVAL',
    ]);
    // Without a cluster store, signing in opens no conversation: the first question does.
    expect(opened).toBe(0);
    await session.ask('hello');
    await session.ask('again');
    expect(opened).toBe(1);
    expect(events.find((event) => event.type === 'response')).toMatchObject({ text: 'answer to hello' });
  });
});
