import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { BrowserWindow } from 'electron';

import { secureWebContents } from './security';

export interface MainWindowOptions {
  /** Folder of the built app (`out/main`), where `../preload` and `../renderer` live. */
  baseDir: string;
  /** Dev server URL from electron-vite, when running `npm run dev`. */
  devServerUrl?: string;
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

/** Creates the admin window, locked down, showing the renderer. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Tallyfy MCP Gateway',
    webPreferences: secureWebPreferences(join(options.baseDir, '../preload/index.cjs')),
  });
  const appUrl = options.devServerUrl ?? pathToFileURL(join(options.baseDir, '../renderer/index.html')).toString();
  secureWebContents(window.webContents, appUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}
