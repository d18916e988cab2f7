import type { Health } from '../../shared/types/health';

import type { Config } from './config/config';
import { startGatewayHttp, type GatewayHttp } from './gateway/httpServer';
import { createLogger, LogRing, type LogEntry, type Logger } from './log/logger';
import { SecretRegistry } from './log/redact';
import { urlHost } from './net/listen';
import { appVersion, productName } from './version';

/** What the core needs from its host (the Electron shell or the headless entry). */
export interface CoreOptions {
  config: Config;
  /** Where JSON log lines go besides the admin ring. Default standard error; `null` = nowhere. */
  logDestination?: NodeJS.WritableStream | null;
}

/** Where the running core can be reached. */
export interface CoreAddresses {
  gatewayUrl: string;
  wsUrl: string;
  adminUrl: string;
  mcpUrl?: string;
  sandboxUrl?: string;
}

/** The composed server: start it, read its health, stop it. Free of any `electron` import. */
export interface Core {
  readonly config: Config;
  readonly logger: Logger;
  readonly secrets: SecretRegistry;
  readonly logs: LogRing;
  start(): Promise<CoreAddresses>;
  /** Stops every service; safe to call twice. `reason` is told to connected clients. */
  stop(reason?: string): Promise<void>;
  health(): Health;
  addresses(): CoreAddresses | undefined;
}

/** The composition root: builds every service from the config and wires them together. */
export function createCore(options: CoreOptions): Core {
  const { config } = options;
  const secrets = new SecretRegistry();
  for (const secret of [config.anthropicApiKey, config.tallyfyApiKey, config.adminToken, config.accessCode]) secrets.add(secret);
  const logs = new LogRing();
  const logger = createLogger({
    level: config.debug ? 'debug' : 'info',
    secrets,
    ring: logs,
    ...(options.logDestination !== undefined ? { destination: options.logDestination } : {}),
  });
  const startedAt = Date.now();
  let state: Health['status'] = 'starting';
  let gateway: GatewayHttp | undefined;
  let addresses: CoreAddresses | undefined;
  let stopping: Promise<void> | undefined;

  const health = (): Health => ({
    status: state,
    name: productName,
    version: appVersion,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    mode: config.sandbox ? 'sandbox' : 'live',
    agent: config.anthropicApiKey ? 'claude' : 'direct',
    services: {
      gateway: { running: gateway !== undefined, ...(addresses ? { url: addresses.gatewayUrl } : {}) },
      mcp: { running: false, detail: 'not started' },
      sandbox: { running: false, ...(config.sandbox ? { detail: 'not started' } : { detail: 'off' }) },
    },
    sessions: { active: 0, peak: 0 },
  });

  return {
    config,
    logger,
    secrets,
    logs,
    health,
    addresses: () => addresses,
    async start() {
      gateway = await startGatewayHttp({ host: config.host, port: config.port, health, logger });
      const base = `http://${urlHost(config.host)}:${gateway.port}`;
      addresses = { gatewayUrl: base, wsUrl: base.replace(/^http/, 'ws'), adminUrl: `${base}/admin` };
      state = 'ok';
      logger.info({ gateway: addresses.gatewayUrl }, 'core started');
      return addresses;
    },
    stop(reason = 'server shutting down') {
      stopping ??= (async () => {
        state = 'stopping';
        logger.info({ reason }, 'core stopping');
        await gateway?.close();
        gateway = undefined;
        logger.flush();
      })();
      return stopping;
    },
  };
}

export type { LogEntry };
