import type { NetworkAddress } from '../../../shared/types/network';
import { isLoopbackHost } from '../net/loopback';
import { SpendLedger } from '../spend/spendLedger';
import { memorySpendStore } from '../spend/spendStore';

import type { AdminContext } from './context';
import type { AdminHandlers } from './dispatch';
import { AdminEventHub, type AdminEventTiming } from './eventHub';
import { createAdminHandlers } from './handlers';
import { LanAdvertiser } from './mdns';
import { networkAddresses } from './network';
import type { LocalChatPort } from './ports';
import { StatsTracker } from './statsTracker';

/** What the core hands the admin: the context's live parts, with defaults for the rest. */
export interface CreateAdminOptions extends Pick<AdminContext, 'health' | 'sessions' | 'logs' | 'logger' | 'settings' | 'gateway' | 'audit'> {
  localChat?: LocalChatPort;
  /** Default: this machine's IPv4 addresses. */
  network?: () => NetworkAddress[];
  /** Default: an mDNS advertiser over bonjour-service; `null` turns advertising off. */
  mdns?: LanAdvertiser | null;
  /** When the core started, ms since the epoch. Default now. */
  startedAt?: number;
  /** Event periods (tests shorten them). */
  timing?: AdminEventTiming;
  /** Stats series sample period, ms. Default 10,000. */
  statsSampleMs?: number;
  /** The spend ledger behind `usage.report`. Default: an empty one in memory. */
  spend?: SpendLedger;
}

/** The admin surface of a core: the handler map, the event hub, stats, mDNS. */
export interface Admin {
  readonly handlers: AdminHandlers;
  readonly events: AdminEventHub;
  readonly stats: StatsTracker;
  readonly mdns: LanAdvertiser | undefined;
  /** Re-reads the gateway state: announces it and advertises or withdraws it on the LAN. */
  gatewayChanged(): void;
  /** Starts sampling the stats series (building the admin starts no timer). */
  start(): void;
  /** Stops timers, subscriptions and mDNS. */
  close(): void;
}

/** Builds the admin surface over the core's services. Shared by the IPC and HTTP transports. */
export function createAdmin(options: CreateAdminOptions): Admin {
  const stats = new StatsTracker({
    read: () => options.sessions.stats(),
    model: () => options.settings.current.anthropicModel,
    ...(options.startedAt !== undefined ? { startedAt: options.startedAt } : {}),
    ...(options.statsSampleMs !== undefined ? { sampleEveryMs: options.statsSampleMs } : {}),
  });
  const mdns = options.mdns === null ? undefined : (options.mdns ?? new LanAdvertiser({ logger: options.logger }));
  const holder: { events?: AdminEventHub } = {};
  const gatewayChanged = (): void => {
    const state = options.gateway.state();
    mdns?.update({ exposed: !isLoopbackHost(state.host), running: state.running, port: state.port, tls: state.tls !== undefined });
    holder.events?.gatewayChanged();
  };
  const context: AdminContext = {
    health: options.health,
    sessions: options.sessions,
    logs: options.logs,
    logger: options.logger,
    settings: options.settings,
    gateway: options.gateway,
    stats,
    network: options.network ?? (() => networkAddresses()),
    localChat: options.localChat,
    audit: options.audit,
    mdns,
    spend: options.spend ?? new SpendLedger({ store: memorySpendStore(), limits: () => options.settings.current.spendLimits }),
    gatewayChanged,
  };
  const events = new AdminEventHub(context, options.timing);
  holder.events = events;
  return {
    handlers: createAdminHandlers(context),
    events,
    stats,
    mdns,
    gatewayChanged,
    start() {
      stats.start();
    },
    close() {
      stats.stop();
      events.close();
      mdns?.close();
    },
  };
}
