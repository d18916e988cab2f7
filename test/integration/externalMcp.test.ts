import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';

import { startStack, type Stack } from './support/stack';
import { TestClient } from './support/wsClient';

const acme = sandboxOrgs.acme;
let provider: Stack;
let gateway: Stack;

beforeAll(async () => {
  provider = await startStack();
  // A second gateway whose sessions use the first one's MCP endpoint instead of the embedded server.
  gateway = await startStack({ env: { MCP_SERVER_URL: provider.addresses.mcpUrl! } });
});

afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});

describe('MCP_SERVER_URL', () => {
  it("runs a session's tools on the external MCP server with that session's credentials", async () => {
    const client = await TestClient.open(gateway.addresses.wsUrl);
    client.send({ type: 'auth', api_key: sandboxTokens.carol, org_id: acme });
    await client.next('auth_success');
    const before = provider.sandbox.requestLog.length;
    client.send({ type: 'query', content: '/tool get_me {}' });
    const answer = await client.next('response');
    expect(String(answer.content)).toContain('carol@acme.example');
    // The tool ran against the provider's sandbox (through its MCP endpoint), not the gateway's own.
    const calls = provider.sandbox.requestLog.slice(before).filter((entry) => entry.path.endsWith('/me'));
    expect(calls.length).toBeGreaterThan(0);
    client.send({ type: 'query', content: 'quit' });
    expect((await client.waitClose()).code).toBe(1000);
  });
});
