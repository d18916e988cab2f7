import { describe, expect, it } from 'vitest';

import { createTallyfyClient } from './client';
import { sandboxOrgs, sandboxTokens } from './sandbox/defaultSeed';
import { useSandbox } from './sandbox/testing';
import { CredentialCheckError, verifyCredentials } from './verifyCredentials';

const sandbox = useSandbox();

async function problemOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CredentialCheckError);
  return (error as CredentialCheckError).problem;
}

describe('verifyCredentials', () => {
  const client = (token: string, orgId: string, baseUrl = sandbox.url) => createTallyfyClient({ baseUrl, token, orgId, maxRetries: 0 });

  it('answers who a valid token belongs to', async () => {
    const me = await verifyCredentials(client(sandboxTokens.alice, sandboxOrgs.acme));
    expect(me.email).toMatch(/@/);
  });

  it('says refused for an unknown token, no-access for another org, unreachable when Tallyfy is down', async () => {
    expect(await problemOf(verifyCredentials(client('not-a-token', sandboxOrgs.acme)))).toBe('refused');
    expect(await problemOf(verifyCredentials(client(sandboxTokens.alice, sandboxOrgs.beta)))).toBe('no-access');
    expect(await problemOf(verifyCredentials(client(sandboxTokens.alice, sandboxOrgs.acme, 'http://127.0.0.1:9')))).toBe('unreachable');
  });
});
