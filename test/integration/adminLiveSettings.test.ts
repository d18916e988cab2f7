import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAgent } from '../../electron/core/agent/agent';
import { MemoryToolHost } from '../../electron/core/agent/testing/memoryToolHost';
import { loadConfig } from '../../electron/core/config/config';
import { memoryStores } from '../../electron/core/store/fileStores';
import { SettingsService } from '../../electron/core/store/settingsService';

import { quietLogger, startAgentHarness, testUser } from './agent/harness';
import { startTestGateway, type TestGateway } from './support/testGateway';
import { TestClient } from './support/wsClient';

/**
 * Settings the admin changes reach a running gateway without a restart: the access code and the
 * allowed organizations are read at every sign-in. The gateway believes it is on the LAN
 * (`host: 0.0.0.0`) but listens on 127.0.0.1 only.
 */
describe('live settings on a running gateway', () => {
  let gateway: TestGateway;
  let settings: SettingsService;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const { config } = loadConfig([], { GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-live-')) });
    const stores = memoryStores();
    settings = new SettingsService({ config: { ...config, host: '0.0.0.0' }, settingsStore: stores.settings, secretStore: stores.secrets });
    settings.ensureAccessCode();
    gateway = await startTestGateway({
      gateway: { host: '0.0.0.0', accessCode: () => settings.current.accessCode, allowedOrgIds: () => settings.current.allowedOrgs },
    });
  });

  afterAll(async () => {
    for (const client of clients) client.ws.terminate();
    await gateway?.close();
  });

  async function signIn(apiKey: string, orgId: string, accessCode?: string) {
    const client = await TestClient.open(gateway.url);
    clients.push(client);
    client.send({ type: 'auth', api_key: apiKey, org_id: orgId, ...(accessCode ? { access_code: accessCode } : {}) });
    return client.next();
  }

  it('a regenerated access code works at once and the old one stops working', async () => {
    const first = settings.current.accessCode!;
    expect(await signIn('tok-alice', 'org-a', first)).toMatchObject({ type: 'auth_success' });
    const second = settings.regenerateAccessCode();
    expect(await signIn('tok-bob', 'org-a', first)).toMatchObject({ type: 'auth_error', code: 'ACCESS_CODE_INVALID' });
    expect(await signIn('tok-bob', 'org-a', second)).toMatchObject({ type: 'auth_success' });
  });

  it('a changed allow-list refuses other organizations at the next sign-in', async () => {
    const code = settings.current.accessCode!;
    expect(await signIn('tok-dave', 'org-b', code)).toMatchObject({ type: 'auth_success' });
    const result = settings.update({ allowedOrgs: ['org-a'] });
    expect(result.applied).toContain('allowedOrgs');
    expect(await signIn('tok-dave', 'org-b', code)).toMatchObject({ type: 'auth_error', code: 'ORG_NOT_ALLOWED' });
    expect(await signIn('tok-alice', 'org-a', code)).toMatchObject({ type: 'auth_success' });
  });
});

describe('live settings in the agent and the registry', () => {
  it('the agent takes a new Anthropic key, model and removal for the next query', async () => {
    const harness = await startAgentHarness();
    try {
      const agent = createAgent({ baseURL: harness.fake.url, model: 'claude-sonnet-5-5', logger: quietLogger() });
      const ask = () => agent.run({ conversation: agent.createConversation(), query: 'what are my tasks?', tools: new MemoryToolHost(), user: testUser });
      expect((await ask()).stopReason).toBe('no_api_key');
      agent.configure({ apiKey: 'sk-ant-test-key-123456', model: 'claude-haiku-4-5' });
      expect(agent.hasApiKey).toBe(true);
      expect(agent.model).toBe('claude-haiku-4-5');
      const before = harness.fake.messageRequests.length;
      expect((await ask()).stopReason).not.toBe('no_api_key');
      expect(harness.fake.messageRequests.length).toBeGreaterThan(before);
      expect(harness.fake.messageRequests.at(-1)!.body.model).toBe('claude-haiku-4-5');
      agent.configure({ apiKey: null });
      expect(agent.hasApiKey).toBe(false);
      expect(() => agent.configure({ model: '' })).toThrow(/Invalid agent settings/);
    } finally {
      await harness.close();
    }
  });

  it('a new idle timeout applies to sessions already open', async () => {
    const gateway = await startTestGateway();
    try {
      const session = gateway.registry.create({ kind: 'ws', address: '127.0.0.1' });
      expect(session.snapshot().expiresAt - session.snapshot().lastActiveAt).toBe(60 * 60_000);
      gateway.registry.setIdleTimeout(5);
      expect(session.snapshot().expiresAt - session.snapshot().lastActiveAt).toBe(5 * 60_000);
      expect(gateway.registry.idleWarningMs).toBeLessThanOrEqual(150_000);
    } finally {
      await gateway.close();
    }
  });
});
