import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import { sandboxOrgs, sandboxTokens, startSandbox, type Sandbox } from '../tallyfy/sandbox';

import { createTallyfyAuthenticator } from './tallyfyServices';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function setup(now: () => number, orgInfoTtlMs?: number) {
  const secrets = new SecretRegistry();
  const authenticate = createTallyfyAuthenticator({
    baseUrl: sandbox!.url,
    secrets,
    logger: createLogger({ secrets, destination: null }),
    now,
    ...(orgInfoTtlMs !== undefined ? { orgInfoTtlMs } : {}),
  });
  const orgRequests = () =>
    sandbox!.requestLog.filter((entry) => /^\/organizations\/[0-9a-f]+$/.test(entry.path)).map((entry) => entry.path);
  return { authenticate, orgRequests };
}

describe('the sign-in check (createTallyfyAuthenticator)', () => {
  it("asks for an org's name once per org while it is fresh, and again after the TTL; every sign-in still checks its own /me", async () => {
    sandbox = await startSandbox();
    let clock = 1_000_000;
    const { authenticate, orgRequests } = setup(() => clock);
    const alice = await authenticate({ apiKey: sandboxTokens.alice, orgId: sandboxOrgs.acme });
    const bob = await authenticate({ apiKey: sandboxTokens.bob, orgId: sandboxOrgs.acme });
    const dave = await authenticate({ apiKey: sandboxTokens.dave, orgId: sandboxOrgs.beta });
    expect([alice.org, bob.org, dave.org]).toEqual([
      { id: sandboxOrgs.acme, name: 'Acme Operations' },
      { id: sandboxOrgs.acme, name: 'Acme Operations' },
      { id: sandboxOrgs.beta, name: 'Beta Logistics' },
    ]);
    expect(bob.timezone).toBe(alice.timezone);
    expect(orgRequests()).toEqual([`/organizations/${sandboxOrgs.acme}`, `/organizations/${sandboxOrgs.beta}`]);
    expect(sandbox.requestLog.filter((entry) => entry.path.endsWith('/me'))).toHaveLength(3);
    // A wrong key for a known org is still refused: the cache is read only after the caller's own /me.
    await expect(authenticate({ apiKey: sandboxTokens.dave, orgId: sandboxOrgs.acme })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    clock += 10 * 60_000;
    await authenticate({ apiKey: sandboxTokens.carol, orgId: sandboxOrgs.acme });
    expect(orgRequests()).toHaveLength(3);
  });

  it('asks at every sign-in with a TTL of 0', async () => {
    sandbox = await startSandbox();
    const { authenticate, orgRequests } = setup(() => 0, 0);
    await authenticate({ apiKey: sandboxTokens.alice, orgId: sandboxOrgs.acme });
    await authenticate({ apiKey: sandboxTokens.bob, orgId: sandboxOrgs.acme });
    expect(orgRequests()).toHaveLength(2);
  });
});
