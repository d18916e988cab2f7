import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { loadConfig } from '../config/config';
import { createLiveConfig } from '../config/liveConfig';
import { createLogger, LogRing } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import { memoryStores } from '../store/fileStores';
import { SettingsService } from '../store/settingsService';

import { createCoreAdmin, type CoreAdminHost } from './coreAdmin';
import { dispatchAdmin } from './dispatch';

function setup() {
  const { config } = loadConfig([], { GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-core-admin-')) });
  const stores = memoryStores();
  const settings = new SettingsService({ config, settingsStore: stores.settings, secretStore: stores.secrets });
  const secrets = new SecretRegistry();
  const logs = new LogRing();
  let accepting = true;
  const host: CoreAdminHost = {
    live: createLiveConfig(config),
    health: () => {
      throw new Error('not needed');
    },
    sessions: { list: () => [], kick: () => false, subscribe: () => () => undefined, stats: () => ({ active: 0, authenticated: 0, peak: 0, sessionsTotal: 0, queries: 0, latency: [], toolCalls: {}, errors: {}, tokensByUser: {} }) },
    logs,
    logger: createLogger({ secrets, ring: logs, destination: null }),
    secrets,
    gatewayPort: () => 9555,
    gatewayAccepting: () => accepting,
    suspendGateway: vi.fn(() => {
      accepting = false;
    }),
    resumeGateway: vi.fn(() => {
      accepting = true;
    }),
    localChat: () => ({ available: false, reason: 'no' }),
    setIdleTimeout: vi.fn(),
    configureAgent: vi.fn(),
  };
  const admin = createCoreAdmin(host, settings, { mdns: null });
  return { admin, host, settings, secrets };
}

describe('createCoreAdmin', () => {
  it('applies live settings to the core: agent, idle timeout, desk credentials, secrets registered', async () => {
    const { admin, host, secrets } = setup();
    const result = await dispatchAdmin(admin.handlers, 'settings.update', {
      idleTimeoutMinutes: 9,
      approvalPolicy: 'all',
      anthropicModel: 'claude-haiku-4-5',
      tallyfyOrgId: 'org-a',
      secrets: { anthropicApiKey: 'sk-ant-live-key-000000', tallyfyApiKey: 'desk-user-token-1234' },
    });
    expect(result).toMatchObject({ ok: true, data: { restartRequired: [] } });
    expect(host.setIdleTimeout).toHaveBeenCalledWith(9);
    expect(host.configureAgent).toHaveBeenCalledWith({ apiKey: 'sk-ant-live-key-000000', model: 'claude-haiku-4-5', approvalPolicy: 'all' });
    expect(host.live.current).toMatchObject({ tallyfyApiKey: 'desk-user-token-1234', tallyfyOrgId: 'org-a', idleTimeoutMinutes: 9, anthropicModel: 'claude-haiku-4-5' });
    expect(secrets.scrub('key sk-ant-live-key-000000 and desk-user-token-1234')).not.toMatch(/live-key|desk-user/);
    await dispatchAdmin(admin.handlers, 'settings.update', { secrets: { anthropicApiKey: null } });
    expect(host.configureAgent).toHaveBeenLastCalledWith({ apiKey: null });
    admin.close();
  });

  it('says host and ports need a restart, and maps gateway stop/start to the core', async () => {
    const { admin, host } = setup();
    const result = await dispatchAdmin(admin.handlers, 'settings.update', { port: 9777 });
    expect(result).toMatchObject({ ok: true, data: { applied: [], restartRequired: ['port'] } });
    expect(await dispatchAdmin(admin.handlers, 'gateway.stop', {})).toMatchObject({ ok: true, data: { running: false, port: 9555 } });
    expect(host.suspendGateway).toHaveBeenCalledWith('teammates cannot use it until the admin starts it again');
    expect(await dispatchAdmin(admin.handlers, 'gateway.start', {})).toMatchObject({ ok: true, data: { running: true } });
    expect(admin.token()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    admin.close();
  });
});
