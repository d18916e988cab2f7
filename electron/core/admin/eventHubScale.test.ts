import { afterEach, describe, expect, it, vi } from 'vitest';

import { adminFixture } from './testing/adminFixture';

const fixtures: ReturnType<typeof adminFixture>[] = [];
afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.admin.close();
});

describe('AdminEventHub at scale', () => {
  // Regression (issue 8 bench): every session update made the hub snapshot every session to watch
  // approvals: O(sessions) per update, a quarter of the gateway's CPU per query at 200 sessions.
  it('watches approvals from the change itself: no full session listing per update when no one listens', () => {
    const fixture = adminFixture();
    fixtures.push(fixture);
    for (let i = 0; i < 200; i++) fixture.signIn(`user${i}`);
    const list = vi.spyOn(fixture.registry, 'list');
    for (const session of fixture.registry.sessions().slice(0, 50)) session.touch();
    for (let i = 200; i < 220; i++) fixture.signIn(`user${i}`);
    expect(list).not.toHaveBeenCalled();
  });
});
