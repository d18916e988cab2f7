import type { ClusterHealth, Health } from '../../shared/types/health';

import { appVersion, productName } from './version';

/** What the health model reads from the running core. */
export interface HealthSources {
  status(): Health['status'];
  startedAt: number;
  mode: Health['mode'];
  agent(): Health['agent'];
  gateway(): { running: boolean; url?: string; stoppedByAdmin: boolean };
  mcpUrl(): string | undefined;
  sandbox(): { url?: string; enabled: boolean };
  sessions(): { active: number; peak: number };
  /** Cluster mode only: the node's link to the cluster (a `degraded` status while Redis is away). */
  cluster?(): ClusterHealth;
}

/** The core's health, as `/healthz`, the admin view and the tray show it. */
export function coreHealth(sources: HealthSources): Health {
  const status = sources.status();
  const gateway = sources.gateway();
  const mcpUrl = sources.mcpUrl();
  const sandbox = sources.sandbox();
  const cluster = sources.cluster?.();
  return {
    // A node cut off from its cluster's Redis still serves: `degraded`, not down.
    status: status === 'ok' && cluster && !cluster.running ? 'degraded' : status,
    name: productName,
    version: appVersion,
    uptimeSeconds: Math.round((Date.now() - sources.startedAt) / 1000),
    mode: sources.mode,
    agent: sources.agent(),
    services: {
      gateway: {
        running: gateway.running,
        ...(gateway.url ? { url: gateway.url } : {}),
        ...(gateway.stoppedByAdmin && status === 'ok' ? { detail: 'stopped by the admin' } : {}),
      },
      mcp: mcpUrl ? { running: true, url: mcpUrl } : { running: false, detail: 'not started' },
      sandbox: sandbox.url ? { running: true, url: sandbox.url } : { running: false, detail: sandbox.enabled ? 'not started' : 'off' },
      ...(cluster ? { cluster } : {}),
    },
    sessions: sources.sessions(),
  };
}
