import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { BrowserWindow } from 'electron';

import { secureWebContents } from './security';
import { defaultWindowState, type WindowState } from './windowState';

export interface MainWindowOptions {
  /** Folder of the built app (`out/main`), where `../preload` and `../renderer` live. */
  baseDir: string;
  /** Dev server URL from electron-vite, when running `npm run dev`. */
  devServerUrl?: string;
  /** Where and how big to open. Default 1280 × 820, centered. */
  state?: WindowState;
  /** Window icon (Linux, Windows). */
  icon?: string;
}

/** The web preferences every app window gets: isolated, sandboxed, no Node. */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  };
}

/** Creates the admin window, locked down, showing the renderer, at its remembered place. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const state = options.state ?? defaultWindowState;
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Tallyfy MCP Gateway',
    backgroundColor: '#f6f7f9',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: secureWebPreferences(join(options.baseDir, '../preload/index.cjs')),
  });
  const appUrl = options.devServerUrl ?? pathToFileURL(join(options.baseDir, '../renderer/index.html')).toString();
  secureWebContents(window.webContents, appUrl);
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  void window.loadURL(appUrl);
  return window;
}
