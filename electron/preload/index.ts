/**
 * The preload: exposes exactly `window.api.request(route, input)` and `window.api.on(event, cb)`.
 * No channel names, no `ipcRenderer`, no `process` leak into the page.
 * A sandboxed preload can require only 'electron': import nothing here but types and `bridge.ts`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

import { ipcChannels, type AdminBridge } from '../../shared/ipc/bridge';

const api: AdminBridge = {
  // Main validates the route and input against the contract; a sandboxed preload cannot load zod.
  request: (route, input) => ipcRenderer.invoke(ipcChannels.request, route, input),
  on: (event, listener) => {
    const handler = (_ipcEvent: IpcRendererEvent, name: unknown, payload: unknown): void => {
      // The payload's type is fixed by the contract for this event name.
      if (name === event) listener(payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on(ipcChannels.event, handler);
    return () => ipcRenderer.removeListener(ipcChannels.event, handler);
  },
};

contextBridge.exposeInMainWorld('api', api);
