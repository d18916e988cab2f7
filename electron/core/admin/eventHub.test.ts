import { afterEach, describe, expect, it } from 'vitest';

import type { EventName } from '../../../shared/ipc/contract';

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
    await expect.poll(() => (of('sessions.changed').at(-1)?.payload as { sessions: unknown[] } | undefined)?.sessions.length, { timeout: 1000 }).toBe(5);
    // Ten registry events (added + updated per sign-in) became far fewer admin events.
    expect(of('sessions.changed').length).toBeLessThanOrEqual(3);
  });

  it('batches log entries and stops its timers when the last listener leaves', async () => {
    const fixture = adminFixture();
    fixtures.push(fixture);
    const { of, off } = listen(fixture);
    fixture.logger.info('one');
    fixture.logger.info('two');
    await expect.poll(() => of('logs.appended').flatMap((item) => (item.payload as { entries: { msg: string }[] }).entries.map((entry) => entry.msg)), { timeout: 1000 }).toEqual(['one', 'two']);
    await expect.poll(() => of('health.changed').length, { timeout: 1000 }).toBeGreaterThan(0);
    off();
    const count = of('health.changed').length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(of('health.changed').length).toBe(count);
  });

  it('announces a session that starts waiting for an approval, and settings changes', async () => {
    const fixture = adminFixture();
    fixtures.push(fixture);
    const { of } = listen(fixture);
    const alice = fixture.signIn('alice');
    // The session's state machine is private: show the registry the snapshot a query waiting for an answer gives.
    const snapshot = alice.snapshot.bind(alice);
    alice.snapshot = () => ({ ...snapshot(), state: 'awaiting_approval', recentToolCalls: [{ id: '1', tool: 'delete_task', args: {}, status: 'running', startedAt: 1 }] });
    (alice as unknown as { deps: { hooks: { changed(s: unknown): void } } }).deps.hooks.changed(alice);
    expect(of('approvals.waiting').map((item) => item.payload)).toEqual([{ sessionId: alice.id, user: 'alice', tool: 'delete_task', local: false }]);
    fixture.settings.update({ idleTimeoutMinutes: 12 });
    expect((of('settings.changed').at(-1)?.payload as { idleTimeoutMinutes: number }).idleTimeoutMinutes).toBe(12);
  });
});
