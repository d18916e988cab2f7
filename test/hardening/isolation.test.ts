import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tokenFingerprint } from '../../electron/core/tallyfy/sandbox';

import { startStack, type Stack } from '../integration/support/stack';

import { ask, signIn, type TestClient } from './support/client';
import { seedWithUsers, type SeededUser } from './support/users';

describe('isolation: 100 users across both sandbox orgs in parallel', () => {
  let stack: Stack;
  let users: SeededUser[];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const seeded = seedWithUsers(50);
    users = seeded.users;
    stack = await startStack({ seed: seeded.seed });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await stack?.close();
  });

  it('every sandbox request carries its own session’s token, and no reply holds another user’s data', async () => {
    stack.sandbox.requestLog.length = 0;
    const replies = await Promise.all(
      users.map(async (user) => {
        const { client, auth } = await signIn(stack.url, user.token, user.orgId);
        clients.push(client);
        const reply = await ask(client, 'What tasks do I have open?');
        return { user, auth, reply };
      }),
    );

    const markerPattern = /ISOMARK\d+X/g;
    for (const { user, auth, reply } of replies) {
      expect(JSON.stringify(auth)).toContain(user.email);
      expect(reply.type, JSON.stringify(reply)).toBe('response');
      const text = String(reply.content);
      // Its own task is there, and no one else's.
      expect(text).toContain(user.marker);
      expect(new Set(text.match(markerPattern))).toEqual(new Set([user.marker]));
    }

    // The sandbox saw each user's token only on that user's own org, and each user's tool call once.
    const byFingerprint = new Map(users.map((user) => [tokenFingerprint(user.token), user]));
    const perUser = new Map<number, { paths: string[] }>();
    for (const entry of stack.sandbox.requestLog) {
      const user = entry.tokenId ? byFingerprint.get(entry.tokenId) : undefined;
      expect(user, `request ${entry.method} ${entry.path} with an unknown token`).toBeDefined();
      if (!user) continue;
      expect(entry.userId).toBe(user.id);
      expect(entry.path.startsWith(`/organizations/${user.orgId}`), entry.path).toBe(true);
      expect(entry.status).toBe(200);
      const record = perUser.get(user.id) ?? { paths: [] };
      record.paths.push(entry.path);
      perUser.set(user.id, record);
    }
    expect(perUser.size).toBe(users.length);
    for (const user of users) {
      const paths = perUser.get(user.id)?.paths ?? [];
      expect(paths.filter((path) => path.endsWith('/me/tasks')), `user ${user.id}`).toHaveLength(1);
    }
    expect(stack.core.sessions.size).toBe(users.length);
  }, 60_000);
});
