import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens, tokenFingerprint } from '../../electron/core/tallyfy/sandbox';
import { lastToolResults, textReply, toolReply, type FakeRequest } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient } from './support/wsClient';

let running: Stack | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Asks for `get_me`, then answers with what it returned. */
function whoAmIModel(request: FakeRequest) {
  const results = lastToolResults(request);
  if (results.length) return textReply(`Tool said: ${results.map((result) => result.content).join(' ')}`);
  return toolReply([{ name: 'get_me', input: {} }], 'Checking who you are.');
}

const users = [
  { token: sandboxTokens.alice, org: sandboxOrgs.acme, email: 'alice@acme.example', name: 'Alice Nguyen' },
  { token: sandboxTokens.bob, org: sandboxOrgs.acme, email: 'bob@acme.example', name: 'Bob Okafor' },
  { token: sandboxTokens.carol, org: sandboxOrgs.acme, email: 'carol@acme.example', name: 'Carol Schmidt' },
  { token: sandboxTokens.dave, org: sandboxOrgs.beta, email: 'dave@beta.example', name: 'Dave Kowalski' },
];

describe('the gateway on the sandbox with the agent', () => {
  it('an old-protocol client signs in as alice (checked with Tallyfy) and gets a response built from a real tool call; a wrong key gets auth_error', async () => {
    running = await startStack();
    running.fake.setFallback(whoAmIModel);
    const client = await TestClient.open(running.addresses.wsUrl);
    expect(await client.request({ type: 'auth', api_key: 'sandbox-nobody', org_id: sandboxOrgs.acme }, 'auth_error')).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(await client.request({ type: 'auth', api_key: sandboxTokens.dave, org_id: sandboxOrgs.acme }, 'auth_error')).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    const success = await client.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_success');
    expect(success).toMatchObject({
      user: { name: 'Alice Nguyen', email: 'alice@acme.example', role: 'admin' },
      org: { id: sandboxOrgs.acme, name: 'Acme Operations' },
    });
    const response = await client.request({ type: 'query', content: 'Who am I?' }, 'response', 15_000);
    expect(response.content).toContain('alice@acme.example');
    expect(
      client
        .types()
        .filter(
          (type) =>
            !['connection_established', 'auth_error', 'auth_success', 'processing', 'response', 'info', 'error', 'pong'].includes(type),
        ),
    ).toEqual([]);
    // The tool ran against the sandbox with alice's own token.
    const aliceId = tokenFingerprint(sandboxTokens.alice);
    expect(
      running.sandbox.requestLog.some((entry) => entry.tokenId === aliceId && entry.path.endsWith('/me') && entry.status === 200),
    ).toBe(true);
    const health = running.core.health();
    expect(health.services.sandbox.running).toBe(true);
    expect(health.services.mcp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(health.sessions.active).toBe(1);
    client.close();
  });

  it('50 concurrent sessions of different users in both orgs: every Tallyfy request carries its own session token, and nobody sees another user', async () => {
    running = await startStack();
    running.fake.setFallback(whoAmIModel);
    const sessions = await Promise.all(
      Array.from({ length: 50 }, async (_unused, index) => {
        const user = users[index % users.length]!;
        const client = await TestClient.open(running!.addresses.wsUrl);
        await client.request({ type: 'auth', api_key: user.token, org_id: user.org, extensions: ['tools'] }, 'auth_success', 15_000);
        return { client, user };
      }),
    );
    expect(running.core.sessions.stats()).toMatchObject({ active: 50, authenticated: 50 });
    const answers = await Promise.all(
      sessions.map(({ client }) => client.request({ type: 'query', content: 'Who am I?' }, 'response', 20_000)),
    );
    answers.forEach((answer, index) => {
      const own = sessions[index]!.user;
      expect(answer.content).toContain(own.email);
      for (const other of users) if (other !== own) expect(answer.content).not.toContain(other.email);
      expect(sessions[index]!.client.types()).toContain('tool_call');
    });

    const byFingerprint = new Map(users.map((user) => [tokenFingerprint(user.token), user]));
    const log = running.sandbox.requestLog;
    expect(log.length).toBeGreaterThanOrEqual(100);
    for (const entry of log) {
      const owner = byFingerprint.get(entry.tokenId ?? '');
      expect(owner, `request ${entry.method} ${entry.path} carried an unknown token`).toBeDefined();
      // Each request is in its own token's org: a leak of another session's token would show up here.
      if (entry.path.startsWith('/organizations/')) expect(entry.path.split('/')[2]).toBe(owner!.org);
      expect(entry.status).toBe(200);
    }
    // Every session's tool call reached Tallyfy with its own token: per user, one tool `me` per session.
    for (const user of users) {
      const count = sessions.filter((session) => session.user === user).length;
      const meCalls = log.filter(
        (entry) => entry.tokenId === tokenFingerprint(user.token) && entry.path === `/organizations/${user.org}/me`,
      ).length;
      expect(meCalls).toBeGreaterThanOrEqual(2 * count); // sign-in check + the tool call, per session
    }
    expect(running.core.sessions.stats().toolCalls.get_me).toEqual({ count: 50, errors: 0 });
    for (const { client } of sessions) client.close();
    await expect.poll(() => running!.core.sessions.size).toBe(0);
    expect(running.parts.secrets.scrub(sandboxTokens.alice)).toBe(sandboxTokens.alice);
  }, 60_000);
});
