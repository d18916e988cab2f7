import { hostname } from 'node:os';

import type { Config } from '../config/config';
import type { Service } from '../lifecycle/services';
import type { Logger } from '../log/logger';

import { connectRedis, type RedisConnection } from './redisConnection';
import { redisConversationStore, type RedisConversationStore } from './redisConversationStore';
import { redisSpendStore, type RedisSpendStore } from './redisSpendStore';

/** The cluster's shared stores for conversations and spend (cluster mode only). */
export interface ClusterStores {
  /** Resumable sessions' conversations (sessions/conversationStore.ts). */
  conversations: RedisConversationStore;
  /** The spend ledger's days and warning marks (spend/spendStore.ts). */
  spend: RedisSpendStore;
  /** This node's id (`--node-id`, else host name + `:` + the gateway's bound port). */
  nodeId(): string;
  /** Opens the Redis link at start (a `{start, stop}` service of the core); absent when another part owns the link. */
  service?: Service;
}

/** Where the stores get their Redis link: the cluster node's (once it joined), or their own. */
export interface ClusterStoresOptions {
  logger: Logger;
  /** The gateway's bound port, once it listens (for the default node id). */
  gatewayPort(): number | undefined;
  /** The cluster node's link, when the core has one; otherwise the stores open their own at start. */
  connection?: () => RedisConnection | undefined;
  nodeId?: () => string;
}

/**
 * Cluster mode (`--redis URL`): the conversation and spend stores in Redis; undefined on a single
 * node (memory and the data-dir file, as before). Building connects nothing. Until the link is up
 * every store call fails fast and the callers serve from memory (docs/scale-out.md).
 */
export function createClusterStores(config: Config, options: ClusterStoresOptions): ClusterStores | undefined {
  const url = config.redisUrl;
  if (!url) return undefined;
  const nodeId = options.nodeId ?? (() => config.nodeId ?? `${hostname()}:${options.gatewayPort() ?? config.port}`);
  let own: RedisConnection | undefined;
  const connection = options.connection ?? (() => own);
  const warn = (message: string): void => options.logger.warn(message);
  return {
    conversations: redisConversationStore(connection),
    spend: redisSpendStore(connection, { warn }),
    nodeId,
    ...(options.connection
      ? {}
      : {
          service: {
            name: 'cluster stores',
            start() {
              own = connectRedis({
                url,
                prefix: config.redisPrefix,
                nodeId: nodeId(),
                log: (level, message) => options.logger[level](message),
              });
            },
            async stop() {
              await own?.close();
              own = undefined;
            },
          },
        }),
  };
}
