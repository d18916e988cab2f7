import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Health } from '../../../../shared/types/health';
import { loadConfig } from '../../config/config';
import { createLogger, LogRing } from '../../log/logger';
import { SecretRegistry } from '../../log/redact';
import type { Clock } from '../../sessions/clock';
import type { QueryEngine } from '../../sessions/engine';
import { SessionRegistry } from '../../sessions/registry';
import { fileSecretStore, fileSettingsStore } from '../../store/fileStores';
import { SettingsService } from '../../store/settingsService';
import { createAdmin, type Admin, type CreateAdminOptions } from '../createAdmin';
import type { MdnsResponder } from '../mdns';
import { LanAdvertiser } from '../mdns';
import type { GatewayState } from '../ports';

/** An mDNS responder that records what would have been published (no multicast). */
export class FakeResponder implements MdnsResponder {
  static opened = 0;
  readonly published: { name: string; type: string; port: number }[] = [];
  destroyed = false;
  constructor() {
    FakeResponder.opened += 1;
  }
  publish(config: { name: string; type: string; port: number }) {
    this.published.push(config);
    return {};
  }
  unpublishAll(callback?: CallableFunction) {
    this.published.length = 0;
    callback?.();
  }
  destroy() {
    this.destroyed = true;
  }
}

/** A real registry, settings on a temporary folder, a fake gateway switch and a fake mDNS responder. */
export function adminFixture(overrides: Partial<CreateAdminOptions> = {}, sessions: { engine?: QueryEngine; clock?: Clock } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-admin-'));
  const { config } = loadConfig([], { GATEWAY_DATA_DIR: dataDir });
  const secrets = new SecretRegistry();
  const logs = new LogRing();
  const logger = createLogger({ secrets, ring: logs, destination: null });
  const engine: QueryEngine = sessions.engine ?? { open: () => ({ run: async () => ({ text: 'ok' }), clear: () => undefined }) };
  const registry = new SessionRegistry({
    secrets,
    logger,
    engine,
    toolHostFactory: () => Promise.reject(new Error('no tools in this test')),
    ...(sessions.clock ? { clock: sessions.clock } : {}),
  });
  const settings = new SettingsService({ config, settingsStore: fileSettingsStore(dataDir), secretStore: fileSecretStore(dataDir) });
  const gatewayState: GatewayState = { running: true, host: '127.0.0.1', port: 9555 };
  const responders: FakeResponder[] = [];
  const mdns = new LanAdvertiser({ logger, name: 'Test gateway', open: () => responders[responders.push(new FakeResponder()) - 1]! });
  const health = (): Health => ({
    status: 'ok',
    name: 'Tallyfy MCP Gateway',
    version: '0.0.0',
    uptimeSeconds: 1,
    mode: 'sandbox',
    agent: 'direct',
    services: { gateway: { running: gatewayState.running }, mcp: { running: false }, sandbox: { running: true } },
    sessions: { active: registry.size, peak: registry.stats().peak },
  });
  const admin: Admin = createAdmin({
    health,
    sessions: registry,
    logs,
    logger,
    settings,
    gateway: {
      state: () => ({ ...gatewayState }),
      start: async () => {
        gatewayState.running = true;
      },
      stop: async (reason) => {
        gatewayState.running = false;
        registry.close(reason);
      },
    },
    network: () => [
      { interface: 'lo', address: '127.0.0.1', internal: true },
      { interface: 'eth0', address: '192.168.1.20', internal: false },
    ],
    mdns,
    timing: { healthMs: 50, statsMs: 50, sessionsMs: 30, logsMs: 10 },
    ...overrides,
  });
  admin.start();
  const signIn = (name: string, orgId = 'a0000000000000000000000000000001') => {
    const session = registry.create({ kind: 'web', address: '127.0.0.1' });
    session.signIn(
      { user: { id: name, name, email: `${name}@example.com` }, org: { id: orgId, name: 'Acme' } },
      { apiKey: `sandbox-${name}`, orgId },
    );
    return session;
  };
  return { admin, registry, settings, logs, logger, gatewayState, responders, mdns, dataDir, signIn };
}
