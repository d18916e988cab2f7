import type { AuditList, AuditQuery } from '../../../shared/types/audit';
import type { Health } from '../../../shared/types/health';
import type { NetworkAddress } from '../../../shared/types/network';
import type { Logger, LogRing } from '../log/logger';
import type { SpendLedger } from '../spend/spendLedger';
import type { SettingsService } from '../store/settingsService';

import type { LanAdvertiser } from './mdns';
import type { GatewayControl, LocalChatPort, SessionDirectory } from './ports';
import type { StatsTracker } from './statsTracker';

/** Everything the admin handlers and events read or act on. Built by {@link createAdmin}. */
export interface AdminContext {
  health(): Health;
  sessions: SessionDirectory;
  logs: LogRing;
  logger: Logger;
  settings: SettingsService;
  gateway: GatewayControl;
  stats: StatsTracker;
  network(): NetworkAddress[];
  /** Absent: the local chat pane says it is not available. */
  localChat?: LocalChatPort | undefined;
  /** The audit trail (`audit.list`). Absent: the list is empty. */
  audit?: { list(query: AuditQuery): Promise<AuditList> } | undefined;
  /** Absent: no mDNS advertisement. */
  mdns?: LanAdvertiser | undefined;
  /** Spend per user and day, and the spending limits (`usage.report`). */
  spend: SpendLedger;
  /** Called after the gateway starts or stops (events, mDNS). */
  gatewayChanged(): void;
}
