import type { AdminBridge } from '../../../../shared/ipc/bridge';

declare global {
  interface Window {
    /** Set by the desktop app's preload; absent in a browser. */
    api?: AdminBridge;
  }
}

/** The preload's bridge, when the page runs inside the desktop app. */
export function ipcBridge(): AdminBridge | undefined {
  return window.api;
}
