import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';

import { ipcChannels } from '../../../shared/ipc/bridge';
import type { EventName, EventPayload } from '../../../shared/ipc/contract';
import { fail } from '../../../shared/ipc/result';
import { dispatchAdmin, type AdminHandlers } from '../../core';

/**
 * The one file that touches `ipcMain`. Every call is checked to come from one of our windows
 * (sender check), then validated and dispatched through the shared admin contract. `handlers`
 * may be a getter, read on every call (the shell swaps them once the core is built).
 */
export function registerIpc(
  handlers: AdminHandlers | (() => AdminHandlers),
  isTrustedSender: (contents: WebContents, frameUrl: string) => boolean,
): () => void {
  ipcMain.handle(ipcChannels.request, async (event: IpcMainInvokeEvent, route: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isTrustedSender(event.sender, frameUrl)) {
      return fail('UNTRUSTED_SENDER', 'This window may not call the admin API.');
    }
    return dispatchAdmin(typeof handlers === 'function' ? handlers() : handlers, route, input);
  });
  return () => ipcMain.removeHandler(ipcChannels.request);
}

/** Pushes an admin event to a window. */
export function sendAdminEvent<E extends EventName>(contents: WebContents, event: E, payload: EventPayload<E>): void {
  if (!contents.isDestroyed()) contents.send(ipcChannels.event, event, payload);
}
