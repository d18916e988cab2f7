import { describe, expect, it } from 'vitest';

import { closeCodes, originalServerTypes, serverMessageSchema, type ServerMessage } from '../../../shared/protocol';
import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import { FakeClock } from '../sessions/clock';
import type { ApprovalReply, QueryEngine } from '../sessions/engine';
import { Session } from '../sessions/session';

import { handleQueryText } from './legacyProtocol';
import { SessionPresenter, type SessionChannel } from './presenter';

const taskId = 'ad000000000000000000000000000002';

/** A session whose query "change" asks to run complete_task and answers with the reply. */
function setup() {
  const secrets = new SecretRegistry();
  const engine: QueryEngine = {
    open: () => ({
      async run(input) {
        if (input.query !== 'change') throw new Error('unexpected');
        const reply: ApprovalReply = await input.requestApproval({
          tool: 'complete_task',
          args: { task_id: taskId },
          names: { [taskId]: 'Finance approval' },
          destructive: false,
          callId: 'c1',
          allowAlways: true,
        });
        return { text: `reply: ${reply}` };
      },
      clear: () => undefined,
    }),
  };
  const session = new Session('ws', '127.0.0.1', {
    clock: new FakeClock(),
    secrets,
    logger: createLogger({ secrets, destination: null }),
    engine,
    toolHostFactory: () => Promise.reject(new Error('no tools')),
    idleTimeoutMs: 30 * 60_000,
  });
  const presenter = new SessionPresenter(session, { idleTimeoutMs: () => 30 * 60_000 });
  const sent: ServerMessage[] = [];
  const closed: { code: number; reason: string }[] = [];
  const channel: SessionChannel = {
    send: (message) => sent.push(serverMessageSchema.parse(message)),
    close: (code, reason) => closed.push({ code, reason }),
  };
  presenter.attach(channel);
  session.signIn(
    { user: { id: 'u1', name: 'Alice', email: 'a@example.com' }, org: { id: 'o1' } },
    { apiKey: 'tok-alice-123456', orgId: 'o1' },
  );
  return { session, presenter, sent, closed };
}

describe('SessionPresenter (no sockets)', () => {
  it('gives an old client only original types: the approval is asked and answered in text, then the goodbye closes 1000', async () => {
    const { session, presenter, sent, closed } = setup();
    const query = handleQueryText(session, presenter.askedInText, 'change', 'q1');
    expect(sent.at(-1)).toMatchObject({ type: 'info', code: 'approval_needed' });
    // The task is named, not shown as a raw id.
    expect((sent.at(-1) as { message: string }).message).toContain('task_id: Finance approval');
    await handleQueryText(session, presenter.askedInText, 'maybe', 'q2');
    expect(sent.at(-1)).toMatchObject({ type: 'error', code: 'APPROVAL_PENDING', query_id: 'q2' });
    await handleQueryText(session, presenter.askedInText, 'always', 'q3');
    await query;
    expect(sent.map((message) => message.type)).toEqual(['processing', 'info', 'error', 'info', 'response']);
    expect(sent.find((message) => message.type === 'response')).toMatchObject({ content: 'reply: always' });
    for (const message of sent) expect(originalServerTypes).toContain(message.type);
    await handleQueryText(session, presenter.askedInText, 'quit');
    expect(sent.at(-1)).toMatchObject({ type: 'info', code: 'goodbye' });
    expect(closed).toEqual([{ code: closeCodes.normal, reason: 'goodbye' }]);
  });

  it('gives a client with the approvals and tools extensions the structured messages instead', async () => {
    const { session, presenter, sent } = setup();
    presenter.negotiate(['approvals', 'tools']);
    const query = handleQueryText(session, presenter.askedInText, 'change', 'q1');
    const request = sent.at(-1);
    expect(request).toMatchObject({
      type: 'approval_request',
      tool: 'complete_task',
      call_id: 'c1',
      allow_always: true,
      args: { task_id: taskId },
      names: { [taskId]: 'Finance approval' },
    });
    // A yes in text is a question for the assistant now (refused: one query at a time).
    await handleQueryText(session, presenter.askedInText, 'yes', 'q2');
    expect(sent.at(-1)).toMatchObject({ type: 'error', code: 'BUSY' });
    session.answerApproval((request as { request_id: string }).request_id, 'deny');
    await query;
    expect(sent.filter((message) => message.type === 'approval_resolved')).toEqual([
      {
        type: 'approval_resolved',
        request_id: (request as { request_id: string }).request_id,
        approved: false,
        reason: 'answered',
        call_id: 'c1',
      },
    ]);
    expect(sent.at(-1)).toMatchObject({ type: 'response', content: 'reply: deny' });
  });

  it('closes a kicked session with 4000 after telling why, and a resumed one replaces the old connection with 4002', () => {
    const { session, presenter, sent, closed } = setup();
    presenter.negotiate(['resume']);
    const next: ServerMessage[] = [];
    presenter.resumeOn({ send: (message) => next.push(message), close: () => undefined }, ['stream']);
    expect(closed).toEqual([{ code: closeCodes.replaced, reason: 'resumed on another connection' }]);
    expect(next[0]).toMatchObject({ type: 'resumed', session_id: session.id, extensions: ['resume', 'stream'] });
    session.end('kicked', 'lunch');
    expect(next.at(-1)).toMatchObject({ type: 'info', code: 'kicked', message: expect.stringContaining('lunch') });
    expect(sent.some((message) => message.type === 'info' && message.code === 'kicked')).toBe(false);
  });
});
