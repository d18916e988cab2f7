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
  bounds = { x: 10, y: 20, width: 1280, height: 820 };
  maximized = false;
  visible = false;
  focused = false;
  destroyed = false;
  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getBounds() {
    return { ...this.bounds };
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
}

/** A menu built from a template; keeps the template so tests can click items. */
export class FakeMenu {
  constructor(readonly template: Array<Record<string, unknown>>) {}
  static buildFromTemplate(template: Array<Record<string, unknown>>): FakeMenu {
    return new FakeMenu(template);
  }
  static applicationMenu: FakeMenu | undefined;
  static setApplicationMenu(menu: FakeMenu): void {
    FakeMenu.applicationMenu = menu;
  }
  /** The item with `label`, searching submenus. */
  item(label: string): Record<string, unknown> | undefined {
    const find = (items: Array<Record<string, unknown>>): Record<string, unknown> | undefined => {
      for (const item of items) {
        if (item.label === label) return item;
        const nested = Array.isArray(item.submenu) ? find(item.submenu as Array<Record<string, unknown>>) : undefined;
        if (nested) return nested;
      }
      return undefined;
    };
    return find(this.template);
  }
}

export class FakeTray extends EventEmitter {
  static created: FakeTray[] = [];
  tooltip = '';
  menu: FakeMenu | undefined;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.created.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static supported = true;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

/** safeStorage that "encrypts" by reversing and prefixing, so tests can tell cipher from clear text. */
export const fakeSafeStorage = {
  available: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable: () => fakeSafeStorage.available,
  getSelectedStorageBackend: () => fakeSafeStorage.backend,
  encryptString: (text: string) => Buffer.from(`enc:${[...text].reverse().join('')}`),
  decryptString: (buffer: Buffer) => {
    const text = buffer.toString();
    if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return [...text.slice(4)].reverse().join('');
  },
};

/** The mock of `electron`. `userData` is what `app.getPath` answers (default `/tmp`). */
export function createElectronMock(options: { userData?: string } = {}) {
  const ipcHandlers = new Map<string, Handler>();
  const exposed = new Map<string, unknown>();
  return {
    BrowserWindow: FakeBrowserWindow,
    Menu: FakeMenu,
    Tray: FakeTray,
    Notification: FakeNotification,
    nativeImage: { createFromPath: (path: string) => ({ path, isEmpty: () => false, resize: () => ({ path }) }) },
    safeStorage: fakeSafeStorage,
    clipboard: { writeText: vi.fn() },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    ipcMain: {
      handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler),
      // electron-store registers one listener of its own.
      on: vi.fn(),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
      handlers: ipcHandlers,
    },
    ipcRenderer: { invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, data: 'from-main' })), on: vi.fn(), removeListener: vi.fn() },
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value), exposed },
    app: {
      getPath: () => options.userData ?? '/tmp',
      getVersion: () => '0.0.0-test',
      requestSingleInstanceLock: () => true,
      on: vi.fn(),
      whenReady: () => Promise.resolve(),
      quit: vi.fn(),
    },
    session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() }, setCertificateVerifyProc: vi.fn() } },
  };
}

/** The mock's shape, for tests that read what the shell asked for. */
export type ElectronMock = ReturnType<typeof createElectronMock>;
