import { hostname } from 'node:os';

import type { ClusterHealth } from '../../../shared/types/health';
import type { Config } from '../config/config';
import type { Service } from '../lifecycle/services';
import type { Logger } from '../log/logger';
import type { AddressConnections } from '../net/addressConnections';
import { defaultAdminGuessLimit, defaultAttemptLimit, type AttemptLimiter } from '../net/attemptLimiter';
import type { SettingsService } from '../store/settingsService';

import { createClusterNode, type ClusterDirectory, type ClusterNode, type LocalSessions } from './clusterNode';
import { shareSignInSettings } from './sharedSettings';

/** Cluster mode as the core composes it: the service, and what the gateway, the admin and health read from it. */
export interface CoreCluster {
  /** In the core's ordered list right after the gateway (the default node id needs its port). */
  service: Service;
  node: ClusterNode;
  /** The admin's session directory over every node. */
  directory: ClusterDirectory;
  /** Failed sign-ins per address, counted over every node. */
  signInLimiter: AttemptLimiter;
  /** Wrong admin tokens per address, counted over every node. */
  adminGuessLimiter: AttemptLimiter;
  /** Open sockets per address over every node (the per-address cap). */
  connections: AddressConnections;
  health(): ClusterHealth;
}

export interface CoreClusterHost {
  /** This node's session registry. */
  sessions: LocalSessions;
  settings: SettingsService;
  logger: Logger;
  /** The gateway's bound port, once it listens (the default node id is host name + `:` + port). */
  gatewayPort(): number | undefined;
  /** The admin token every node shares (the access code is sealed under it in Redis). */
  adminToken(): string;
}

/** The node id: `--node-id`, else this machine's host name and the gateway's bound port. */
export function defaultNodeId(config: Pick<Config, 'nodeId' | 'port'>, boundPort: number | undefined): string {
  return config.nodeId ?? `${hostname()}:${boundPort ?? config.port}`;
}

/**
 * Cluster mode (`--redis URL`): undefined without a Redis URL, so a single node keeps everything
 * in memory as before. Building it connects nothing; its service joins the cluster at start and
 * leaves it at stop. See docs/scale-out.md, "Cluster state and admin".
 */
export function createCoreCluster(config: Config, host: CoreClusterHost): CoreCluster | undefined {
  const url = config.redisUrl;
  if (!url) return undefined;
  const node = createClusterNode({
    url,
    prefix: config.redisPrefix,
    nodeId: () => defaultNodeId(config, host.gatewayPort()),
    logger: host.logger,
    sessions: host.sessions,
  });
  const { settings } = host;
  let stopSettings: (() => void) | undefined;
  const service: Service = {
    name: 'cluster',
    async start() {
      stopSettings = shareSignInSettings(
        node,
        {
          read: () => {
            const current = settings.current;
            return { accessCode: current.accessCode, allowedOrgs: current.allowedOrgs, idleTimeoutMinutes: current.idleTimeoutMinutes };
          },
          apply: (values) =>
            void settings.update({
              accessCode: values.accessCode ?? null,
              allowedOrgs: values.allowedOrgs,
              idleTimeoutMinutes: values.idleTimeoutMinutes,
            }),
          subscribe: (listener) => settings.subscribe(({ changed }) => listener(changed)),
        },
        { secret: host.adminToken, logger: host.logger },
      );
      await node.start();
    },
    async stop() {
      stopSettings?.();
      await node.stop();
    },
  };
  return {
    service,
    node,
    directory: node.directory,
    signInLimiter: node.attemptLimiter('signin', defaultAttemptLimit),
    adminGuessLimiter: node.attemptLimiter('admin', defaultAdminGuessLimit),
    connections: node.connections,
    health: () => node.health(),
  };
}
