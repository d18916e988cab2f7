import type { GatewayStats } from '../../../shared/types/gatewayStats';
import type { GatewayTls, LocalChatConnection } from '../../../shared/types/network';
import type { SessionSnapshot } from '../../../shared/types/session';

/** One session's change, as the registry reports it. */
export type SessionChange = { type: 'added' | 'updated'; session: SessionSnapshot } | { type: 'removed'; id: string };

/** What the admin reads from the session registry (`SessionRegistry` satisfies it). */
export interface SessionDirectory {
  /** Snapshots of every live session. */
  list(): SessionSnapshot[];
  /**
   * Ends a session; the peer is told `reason`. False when there is no such session. A cluster's
   * directory answers asynchronously (the session may be on another node) and throws an error with
   * a stable `code` when that node cannot be reached.
   */
  kick(id: string, reason?: string): boolean | Promise<boolean>;
  /**
   * Calls `listener` on every added/updated/removed session, with what changed when the directory
   * knows it (the registry always does); returns the unsubscribe function.
   */
  subscribe(listener: (change?: SessionChange) => void): () => void;
  /** Aggregate statistics since start. */
  stats(): GatewayStats;
}

/** Where the gateway listens and whether it accepts teammates. */
export interface GatewayState {
  /** True while teammates can connect. */
  running: boolean;
  /** The bind address, e.g. `127.0.0.1` or `0.0.0.0`. */
  host: string;
  /** The bound port (the configured one while stopped). */
  port: number;
  /** The certificate when the port speaks HTTPS/WSS; absent for plain HTTP. */
  tls?: GatewayTls | undefined;
}

/** Start/stop of the gateway, as the host provides it. */
export interface GatewayControl {
  state(): GatewayState;
  /** Lets teammates connect again. */
  start(): Promise<void>;
  /** Disconnects every teammate with `reason` and refuses new ones; the admin stays reachable. */
  stop(reason: string): Promise<void>;
}

/** Hands the local chat pane what it needs to reach the desk user's session. */
export type LocalChatPort = () => LocalChatConnection;
