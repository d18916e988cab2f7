import type { Config } from '../config/config';
import type { Logger } from '../log/logger';

import type { RedisConnection } from './redisConnection';
import { redisConversationStore, type RedisConversationStore } from './redisConversationStore';
import { redisSpendStore, type RedisSpendStore } from './redisSpendStore';

/** The cluster's shared stores for conversations and spend (cluster mode only). */
export interface ClusterStores {
  /** Resumable sessions' conversations (the sessions layer's `ConversationStore`). */
  conversations: RedisConversationStore;
  /** The spend ledger's days and warning marks (the spend layer's `SpendStore`). */
  spend: RedisSpendStore;
  /** This node's id, the owner written with each kept conversation. */
  nodeId(): string;
}

/** Where the stores get their Redis link and the node's id: the cluster node's, once it joined. */
export interface ClusterStoresOptions {
  logger: Logger;
  connection(): RedisConnection | undefined;
  nodeId(): string;
}

/**
 * Cluster mode (`--redis URL`): the conversation and spend stores in Redis, over the cluster node's
 * connection; undefined on a single node (memory and the data-dir file, as before). Until the node
 * has joined every store call fails fast and the callers serve from memory (docs/scale-out.md).
 */
export function createClusterStores(config: Pick<Config, 'redisUrl'>, options: ClusterStoresOptions): ClusterStores | undefined {
  if (!config.redisUrl) return undefined;
  const connection = (): RedisConnection | undefined => options.connection();
  return {
    conversations: redisConversationStore(connection),
    spend: redisSpendStore(connection, { warn: (message) => options.logger.warn(message) }),
    nodeId: () => options.nodeId(),
  };
}
