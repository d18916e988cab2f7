/**
 * The Electron shell: single instance, one locked-down window, the core started in-process.
 * All server logic lives in electron/core; this file only wires it to the desktop.
 */
import { app, type BrowserWindow, session } from 'electron';

import { createAdminHandlers } from '../core/admin/handlers';
import { ConfigError, loadConfig } from '../core/config/config';
import { createCore, type Core } from '../core/createCore';

import { registerIpc, sendAdminEvent } from './ipc/register';
import { contentSecurityPolicy } from './security';
import { createMainWindow } from './window';

let mainWindow: BrowserWindow | undefined;
let core: Core | undefined;

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ baseDir: import.meta.dirname, ...(process.env.ELECTRON_RENDERER_URL ? { devServerUrl: process.env.ELECTRON_RENDERER_URL } : {}) });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function boot(): Promise<void> {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  let configError: string | undefined;
  try {
    const { config } = loadConfig([], { ...process.env, GATEWAY_DATA_DIR: process.env.GATEWAY_DATA_DIR ?? app.getPath('userData') });
    core = createCore({ config });
    await core.start();
  } catch (error) {
    configError = error instanceof ConfigError ? error.message : (error as Error).message;
    core?.logger.error({ err: error }, 'core failed to start');
  }
  const handlers = createAdminHandlers({
    health: () => {
      if (!core) throw new Error(configError ?? 'The core is not running.');
      return core.health();
    },
  });
  registerIpc(handlers, (contents) => !!mainWindow && contents.id === mainWindow.webContents.id);
  showWindow();
  const timer = setInterval(() => {
    if (core && mainWindow && !mainWindow.isDestroyed()) sendAdminEvent(mainWindow.webContents, 'health.changed', core.health());
  }, 1000);
  app.on('before-quit', () => clearInterval(timer));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !core) return;
    event.preventDefault();
    quitting = true;
    void core.stop('the desktop app is quitting').finally(() => app.quit());
  });
  void app.whenReady().then(boot);
}
