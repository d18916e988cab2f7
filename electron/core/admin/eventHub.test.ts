import { afterEach, describe, expect, it, vi } from 'vitest';

import type { EventName } from '../../../shared/ipc/contract';
import type { ApprovalReply, QueryEngine } from '../sessions/engine';

import { adminFixture } from './testing/adminFixture';

const fixtures: ReturnType<typeof adminFixture>[] = [];
afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.admin.close();
});

function listen(fixture: ReturnType<typeof adminFixture>) {
  const seen: { event: EventName; payload: unknown }[] = [];
  const off = fixture.admin.events.subscribe((event, payload) => seen.push({ event, payload }));
  return { seen, off, of: (name: EventName) => seen.filter((item) => item.event === name) };
}

describe('AdminEventHub', () => {
  it('throttles session changes but always delivers the latest list', async () => {
    const fixture = adminFixture();
    fixtures.push(fixture);
    const { of } = listen(fixture);
    for (const name of ['a', 'b', 'c', 'd', 'e']) fixture.signIn(name);
    await expect
      .poll(() => (of('sessions.changed').at(-1)?.payload as { sessions: unknown[] } | undefined)?.sessions.length, { timeout: 1000 })
      .toBe(5);
    // Ten registry events (added + updated per sign-in) became far fewer admin events.
    expect(of('sessions.changed').length).toBeLessThanOrEqual(3);
  });

  it('batches log entries and stops its timers when the last listener leaves', async () => {
    vi.useFakeTimers();
    try {
      const fixture = adminFixture();
      fixtures.push(fixture);
      const before = vi.getTimerCount();
      const { of, off } = listen(fixture);
      expect(vi.getTimerCount()).toBeGreaterThan(before);
      fixture.logger.info('one');
      fixture.logger.info('two');
      await vi.advanceTimersByTimeAsync(60);
      expect(
        of('logs.appended').flatMap((item) => (item.payload as { entries: { msg: string }[] }).entries.map((entry) => entry.msg)),
      ).toEqual(['one', 'two']);
      expect(of('health.changed').length).toBeGreaterThan(0);
      off();
      expect(vi.getTimerCount()).toBe(before);
      // A new listener starts them again, and hears only what happens from then on.
      const again = listen(fixture);
      fixture.logger.info('three');
      await vi.advanceTimersByTimeAsync(60);
      expect(
        again.of('logs.appended').flatMap((item) => (item.payload as { entries: { msg: string }[] }).entries.map((entry) => entry.msg)),
      ).toEqual(['three']);
      again.off();
    } finally {
      vi.useRealTimers();
    }
  });

  it('announces a session that starts waiting for an approval, naming the tool, and settings changes', async () => {
    // A scripted engine whose query asks to run delete_task and waits for the answer.
    let reply: Promise<ApprovalReply> | undefined;
    const engine: QueryEngine = {
      open: () => ({
        async run(input) {
          input.emit({ kind: 'tool_start', callId: 'c0', tool: 'list_tasks', args: {} });
          input.emit({ kind: 'tool_end', callId: 'c0', tool: 'list_tasks', status: 'ok', durationMs: 1 });
          reply = input.requestApproval({ tool: 'delete_task', args: { id: 't1' }, destructive: true, callId: 'c1' });
          return { text: `answer: ${await reply}` };
        },
        clear: () => undefined,
      }),
    };
    const fixture = adminFixture({}, { engine });
    fixtures.push(fixture);
    const { of } = listen(fixture);
    const alice = fixture.signIn('alice');
    const query = alice.ask('delete it');
    expect(alice.state).toBe('awaiting_approval');
    expect(of('approvals.waiting').map((item) => item.payload)).toEqual([
      { sessionId: alice.id, user: 'alice', tool: 'delete_task', local: false },
    ]);
    alice.answerApproval(alice.pendingApproval!.requestId, 'deny');
    await query;
    expect(await reply).toBe('deny');
    expect(alice.state).toBe('idle');
    fixture.settings.update({ idleTimeoutMinutes: 12 });
    expect((of('settings.changed').at(-1)?.payload as { idleTimeoutMinutes: number }).idleTimeoutMinutes).toBe(12);
  });
});
