import { createContext, useContext, type ReactNode } from 'react';

import type { AdminBridge } from '../../../../shared/ipc/bridge';

const BridgeContext = createContext<AdminBridge | undefined>(undefined);

export function BridgeProvider({ bridge, children }: { bridge: AdminBridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

/** The admin bridge (IPC in the desktop app, HTTP in a browser). */
export function useBridge(): AdminBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside BridgeProvider');
  return bridge;
}
