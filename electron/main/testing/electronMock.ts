/**
 * The one `electron` mock for the shell's unit tests: `vi.mock('electron', () => createElectronMock())`.
 * It records what the shell asked for, so tests assert outcomes (a window's preferences, a blocked
 * navigation, an IPC answer) without the Electron binary.
 */
import { EventEmitter } from 'node:events';

import { vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly sent: unknown[][] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  isDestroyed(): boolean {
    return false;
  }
  /** Emits an Electron-style event and reports whether a listener prevented its default. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {}
  focus(): void {}
}

export function createElectronMock() {
  const ipcHandlers = new Map<string, Handler>();
  const exposed = new Map<string, unknown>();
  return {
    BrowserWindow: FakeBrowserWindow,
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    ipcMain: {
      handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
      handlers: ipcHandlers,
    },
    ipcRenderer: { invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, data: 'from-main' })), on: vi.fn(), removeListener: vi.fn() },
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value), exposed },
    app: { getPath: () => '/tmp', requestSingleInstanceLock: () => true, on: vi.fn(), whenReady: () => Promise.resolve(), quit: vi.fn() },
    session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() } } },
  };
}

/** The mock's shape, for tests that read what the shell asked for. */
export type ElectronMock = ReturnType<typeof createElectronMock>;
