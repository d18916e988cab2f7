import type { Health } from '../../../shared/types/health';
import type { GatewayTls, LocalChatConnection } from '../../../shared/types/network';
import type { ApprovalPolicy } from '../../../shared/types/settings';
import type { LiveConfig } from '../config/liveConfig';
import type { Logger, LogRing } from '../log/logger';
import type { SecretRegistry } from '../log/redact';
import type { AttemptLimiter } from '../net/attemptLimiter';
import { isLoopbackHost } from '../net/loopback';
import type { SpendLedger } from '../spend/spendLedger';
import type { SettingsService } from '../store/settingsService';

import { createAdmin, type Admin, type CreateAdminOptions } from './createAdmin';
import { createAdminHttp, type AdminHttp } from './http';
import type { SessionDirectory } from './ports';

/** What the admin needs from the composed core. */
export interface CoreAdminHost {
  /** The running configuration: live settings are applied to it. */
  live: LiveConfig;
  health(): Health;
  sessions: SessionDirectory;
  logs: LogRing;
  logger: Logger;
  secrets: SecretRegistry;
  /** The bound gateway port, once started. */
  gatewayPort(): number | undefined;
  gatewayAccepting(): boolean;
  suspendGateway(reason: string): void;
  resumeGateway(): void;
  localChat(): LocalChatConnection;
  /** The gateway port's certificate once started with TLS; undefined for plain HTTP. Default: none. */
  gatewayTls?(): GatewayTls | undefined;
  /** The audit trail, when the core keeps one. */
  audit?: CreateAdminOptions['audit'];
  /** Applies a new idle timeout, minutes. */
  setIdleTimeout(minutes: number): void;
  /** Applies a new Anthropic key (`null` removes it), model or approval policy. */
  configureAgent(patch: { apiKey?: string | null; model?: string; approvalPolicy?: ApprovalPolicy }): void;
  /** The spend ledger (`usage.report`). */
  spend?: SpendLedger;
  /** Counts wrong admin tokens per address (a cluster passes one shared by every node). Default: in memory on this node. */
  guessLimiter?: AttemptLimiter;
}

/** The core's admin: the handlers (IPC and HTTP share them), the events, the HTTP transport and the token that guards it. */
export interface CoreAdmin extends Pick<Admin, 'handlers' | 'events' | 'mdns' | 'gatewayChanged' | 'start'> {
  readonly http: AdminHttp;
  /** The browser admin token (flag/env, else saved, else generated and saved). */
  token(): string;
  close(): void;
}

/**
 * Wires the admin surface to a composed core: gateway start/stop, the local chat, live settings
 * (applied to `host.live` and registered as secrets), and the browser transport. Starts no timer
 * until `start()`.
 */
export function createCoreAdmin(
  host: CoreAdminHost,
  settings: SettingsService,
  extra: Pick<CreateAdminOptions, 'mdns' | 'timing' | 'network'> = {},
): CoreAdmin {
  const token = settings.adminToken();
  host.secrets.addServerWide(token);
  const admin = createAdmin({
    health: () => host.health(),
    sessions: host.sessions,
    logs: host.logs,
    logger: host.logger,
    settings,
    gateway: {
      state: () => ({
        running: host.gatewayAccepting(),
        host: host.live.current.host,
        port: host.gatewayPort() ?? host.live.current.port,
        tls: host.gatewayTls?.(),
      }),
      start: async () => host.resumeGateway(),
      stop: async (reason) => host.suspendGateway(reason),
    },
    localChat: () => host.localChat(),
    ...(host.audit ? { audit: host.audit } : {}),
    ...(host.spend ? { spend: host.spend } : {}),
    ...extra,
  });
  const stopSettings = settings.subscribe(({ changed }) => {
    if (changed.includes('tallyfyApiKey')) {
      const key = settings.secret('tallyfyApiKey');
      host.secrets.addServerWide(key);
      host.live.update({ tallyfyApiKey: key });
    }
    if (changed.includes('tallyfyOrgId')) host.live.update({ tallyfyOrgId: settings.current.tallyfyOrgId || undefined });
    if (changed.includes('accessCode')) host.secrets.addServerWide(settings.current.accessCode);
    if (changed.includes('idleTimeoutMinutes')) {
      host.live.update({ idleTimeoutMinutes: settings.current.idleTimeoutMinutes });
      host.setIdleTimeout(settings.current.idleTimeoutMinutes);
    }
    const agentPatch: Parameters<CoreAdminHost['configureAgent']>[0] = {};
    if (changed.includes('anthropicApiKey')) {
      const key = settings.secret('anthropicApiKey');
      host.secrets.addServerWide(key);
      host.live.update({ anthropicApiKey: key });
      agentPatch.apiKey = key ?? null;
    }
    if (changed.includes('anthropicModel')) {
      host.live.update({ anthropicModel: settings.current.anthropicModel });
      agentPatch.model = settings.current.anthropicModel;
    }
    if (changed.includes('approvalPolicy')) agentPatch.approvalPolicy = settings.current.approvalPolicy;
    if (Object.keys(agentPatch).length > 0) host.configureAgent(agentPatch);
  });
  const http = createAdminHttp({
    handlers: admin.handlers,
    events: admin.events,
    token: () => token,
    logger: host.logger,
    exposed: !isLoopbackHost(host.live.current.host),
    ...(host.guessLimiter ? { guessLimiter: host.guessLimiter } : {}),
  });
  return {
    handlers: admin.handlers,
    events: admin.events,
    mdns: admin.mdns,
    gatewayChanged: () => admin.gatewayChanged(),
    start: () => admin.start(),
    http,
    token: () => token,
    close() {
      stopSettings();
      http.close();
      admin.close();
    },
  };
}
