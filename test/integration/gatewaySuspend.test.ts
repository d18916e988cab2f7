import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { textReply } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient } from './support/wsClient';

let running: Stack | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('while the admin has stopped the gateway', () => {
  it("the desk user's pane still connects on loopback with auth_local and chats; a teammate's auth or resume on loopback is refused; after a restart the same socket signs in", async () => {
    running = await startStack({ env: { TALLYFY_API_KEY: sandboxTokens.bob, TALLYFY_ORG_ID: sandboxOrgs.acme } });
    const teammate = await TestClient.open(running.addresses.wsUrl);
    const teammateSuccess = await teammate.request(
      { type: 'auth', api_key: sandboxTokens.dave, org_id: sandboxOrgs.beta, extensions: ['resume'] },
      'auth_success',
    );
    running.parts.gateway.suspend('maintenance');
    expect((await teammate.waitClose()).code).toBe(1001);

    // The desk pane opens a fresh connection (e.g. the window was reopened) and signs in locally.
    const local = running.parts.gateway.localChat();
    if (!local.available) throw new Error('local chat should be available');
    const pane = await TestClient.open(local.wsUrl);
    const success = await pane.request({ type: 'auth_local', local_token: local.localToken, extensions: ['stream'] }, 'auth_success');
    expect(success.user).toMatchObject({ name: 'Bob Okafor' });
    running.fake.enqueue(textReply('Still here for you.'));
    expect((await pane.request({ type: 'query', content: 'Are you there?' }, 'response', 15_000)).content).toBe('Still here for you.');

    // Someone else on this machine cannot sign in with a key while stopped, nor resume a teammate's session.
    const other = await TestClient.open(running.addresses.wsUrl);
    const refused = await other.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_error');
    expect(refused).toMatchObject({ code: 'GATEWAY_STOPPED', message: expect.stringContaining('stopped the gateway') });
    expect(
      await other.request(
        { type: 'resume', session_id: teammateSuccess.session_id, resume_token: teammateSuccess.resume_token },
        'error',
      ),
    ).toMatchObject({ code: 'RESUME_FAILED' });
    expect(other.closed).toBeUndefined();
    expect(running.core.sessions.list().filter((session) => session.authenticated).map((session) => session.kind)).toEqual(['local']);

    // Started again: the same connection may now sign in.
    running.parts.gateway.resume();
    expect(await other.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_success')).toMatchObject({
      user: { name: 'Alice Nguyen' },
    });
    pane.close();
    other.close();
  }, 30_000);
});
