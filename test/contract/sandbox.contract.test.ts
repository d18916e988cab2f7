import { afterAll, beforeAll, describe } from 'vitest';

import { sandboxOrgs, sandboxTokens, startSandbox, type Sandbox } from '../../electron/core/tallyfy/sandbox';

import { registerTallyfyContract } from './tallyfyContract';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('Tallyfy client contract against the sandbox (sandbox-alice, Acme Operations)', () => {
  registerTallyfyContract(() => ({
    baseUrl: sandbox.url,
    token: sandboxTokens.alice,
    orgId: sandboxOrgs.acme,
    clientOptions: { retryBaseDelayMs: 5 },
  }), { allowWrites: true });
});
