import { z } from 'zod';

import { orgIdSchema } from '../../../shared/types/settings';
import type { Logger } from '../log/logger';

import type { ClusterNode } from './clusterNode';
import { openSecret, sealSecret } from './sealedSecret';

/** The settings that govern sign-in, shared by every node of a cluster. */
export interface SignInSettings {
  accessCode?: string | undefined;
  allowedOrgs: string[];
  idleTimeoutMinutes: number;
}

/** The setting keys {@link shareSignInSettings} keeps in step. */
export const signInSettingKeys = ['accessCode', 'allowedOrgs', 'idleTimeoutMinutes'] as const;

/** How the node's own settings are read, changed and watched (the settings service, in createCore). */
export interface SignInSettingsPort {
  read(): SignInSettings;
  /** Applies values another node set (saved in this node's settings too, so a restart without Redis keeps them). */
  apply(values: SignInSettings): void;
  /** Told the changed keys after every change of this node's settings; returns the unsubscribe function. */
  subscribe(listener: (changed: readonly string[]) => void): () => void;
}

/** What is kept in Redis (`<prefix>settings:signin`) and sent on the bus: the access code sealed, never plain. */
const recordSchema = z.object({
  /** When the admin changed them, ms since the epoch (last writer wins). */
  at: z.number(),
  /** The node where they were changed. */
  by: z.string().max(300),
  /** `sealSecret` of the access code under the shared admin token; null when there is none. */
  accessCode: z.string().max(1024).nullable(),
  allowedOrgs: z.array(orgIdSchema).max(100),
  idleTimeoutMinutes: z.number().int().min(1).max(1440),
});
type SettingsRecord = z.infer<typeof recordSchema>;

export interface ShareSignInSettingsOptions {
  /** The admin token every node shares: the access code is sealed under it. */
  secret: () => string;
  logger: Logger;
}

/**
 * Keeps the sign-in settings (access code, allowed orgs, idle timeout) the same on every node:
 * a change on one node is written to Redis and published, and every other node applies it when
 * the message arrives (milliseconds; the contract is "within a second"). After each
 * (re)connection the node re-reads Redis: the newer side wins (a change made while Redis was away
 * is pushed; otherwise Redis's values are applied); an empty Redis gets this node's values. The
 * access code never reaches Redis in clear: it is sealed with AES-256-GCM under a key derived from
 * the admin token. Returns the function that stops it.
 */
export function shareSignInSettings(node: ClusterNode, port: SignInSettingsPort, options: ShareSignInSettingsOptions): () => void {
  const { logger } = options;
  const salt = node.prefix;
  /** When the values in force here were set (by this node's admin, or by the record applied last). */
  let knownAt = 0;
  let applying = false;

  const storeKey = (): string => `${node.prefix}settings:signin`;
  const record = (): SettingsRecord => {
    const current = port.read();
    return {
      at: knownAt,
      by: node.nodeId,
      accessCode: current.accessCode ? sealSecret(current.accessCode, options.secret(), salt) : null,
      allowedOrgs: [...current.allowedOrgs],
      idleTimeoutMinutes: current.idleTimeoutMinutes,
    };
  };

  const apply = (incoming: SettingsRecord): void => {
    let accessCode: string | undefined;
    if (incoming.accessCode) {
      accessCode = openSecret(incoming.accessCode, options.secret(), salt);
      if (accessCode === undefined) {
        logger.warn(
          { from: incoming.by },
          'cluster: the shared access code could not be read: this node has a different admin token than the others (every node must share one). Keeping this node’s own code.',
        );
        accessCode = port.read().accessCode;
      }
    }
    knownAt = incoming.at;
    const before = JSON.stringify(port.read());
    const values = { accessCode, allowedOrgs: incoming.allowedOrgs, idleTimeoutMinutes: incoming.idleTimeoutMinutes };
    applying = true;
    try {
      port.apply(values);
      if (JSON.stringify(port.read()) !== before)
        logger.info({ from: incoming.by }, 'cluster: applied the sign-in settings changed on another node');
    } catch (error) {
      logger.warn({ err: error, from: incoming.by }, 'cluster: the shared sign-in settings could not be applied on this node');
    } finally {
      applying = false;
    }
  };

  const push = async (): Promise<void> => {
    const link = node.connection();
    if (!link || node.status() !== 'ready') return; // pushed at the next resync: this node's values are newer
    const value = record();
    try {
      await link.client.set(storeKey(), JSON.stringify(value));
      await node.publish({ kind: 'settings', record: value });
    } catch (error) {
      logger.debug({ err: error }, 'cluster: the sign-in settings could not be shared now (again at reconnection)');
    }
  };

  const stopLocal = port.subscribe((changed) => {
    if (applying || !changed.some((key) => (signInSettingKeys as readonly string[]).includes(key))) return;
    knownAt = Date.now();
    void push();
  });

  const stopMessages = node.onMessage('settings', (message) => {
    const parsed = recordSchema.safeParse(message.record);
    if (!parsed.success) return;
    if (parsed.data.at >= knownAt) apply(parsed.data);
  });

  const stopResync = node.onResync(async () => {
    const link = node.connection();
    if (!link) return;
    const raw = await link.client.get(storeKey());
    const stored = raw ? parseRecord(raw) : undefined;
    if (!stored) {
      // An empty (or restarted) Redis: this node's values become the cluster's, unless another node was quicker.
      const written = await link.client.set(storeKey(), JSON.stringify(record()), 'NX');
      if (written === 'OK') return;
      const again = parseRecord((await link.client.get(storeKey())) ?? '');
      if (again) apply(again);
      return;
    }
    if (stored.at >= knownAt) apply(stored);
    else await push();
  });

  return () => {
    stopLocal();
    stopMessages();
    stopResync();
  };
}

function parseRecord(raw: string): SettingsRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
