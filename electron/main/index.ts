/**
 * The Electron shell: single instance, one locked-down window that remembers its place, a tray
 * with status and quick actions, the app menu, close-to-tray, and approval notifications. The
 * core runs in-process; all server logic lives in electron/core.
 */
import { join } from 'node:path';

import { app, clipboard, type BrowserWindow, Notification, session, shell } from 'electron';

import iconPath from '../../resources/icon.png?asset';
import type { AdminPage, EventPayload, RouteOutput } from '../../shared/ipc/contract';
import { ConfigError, createCore, dispatchAdmin, isLoopbackHost, loadConfig, openSettings, overriddenKeys, type AdminHandlers, type Core } from '../core';

import { installAppMenu } from './appMenu';
import { hideOnClose } from './closeToTray';
import { registerIpc, sendAdminEvent } from './ipc/register';
import { ApprovalNotifier } from './notifications';
import { electronStores } from './platform/electronStores';
import { contentSecurityPolicy, isOwnGatewayCertificate } from './security';
import { AppTray } from './tray';
import { unavailableHandlers } from './unavailableHandlers';
import { createMainWindow } from './window';
import { loadWindowState, trackWindowState } from './windowState';

const docsUrl = 'https://github.com/tallyfy/mcp-gateway#readme';
let mainWindow: BrowserWindow | undefined;
let core: Core | undefined;
let tray: AppTray | undefined;
let handlers: AdminHandlers = unavailableHandlers('The gateway is starting.');
let quitting = false;
let toldAboutTray = false;

const windowStateFile = (): string => join(app.getPath('userData'), 'window-state.json');

function showWindow(page?: AdminPage): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    const window = createMainWindow({
      baseDir: import.meta.dirname,
      state: loadWindowState(windowStateFile()),
      icon: iconPath,
      ...(process.env.ELECTRON_RENDERER_URL ? { devServerUrl: process.env.ELECTRON_RENDERER_URL } : {}),
    });
    trackWindowState(window, windowStateFile());
    hideOnClose(
      window,
      () => quitting,
      () => {
        if (toldAboutTray || !Notification.isSupported()) return;
        toldAboutTray = true;
        new Notification({ title: 'Still running', body: 'The gateway keeps serving your team. Quit from the tray icon.' }).show();
      },
    );
    mainWindow = window;
    if (page) window.webContents.once('did-finish-load', () => sendAdminEvent(window.webContents, 'app.navigate', { page }));
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
  if (page) sendAdminEvent(mainWindow.webContents, 'app.navigate', { page });
}

async function copyInviteLink(): Promise<void> {
  const result = await dispatchAdmin(handlers, 'invite.get', {});
  if (result.ok) await clipboard.writeText((result.data as RouteOutput<'invite.get'>).url);
}

async function setGateway(running: boolean): Promise<void> {
  await dispatchAdmin(handlers, running ? 'gateway.start' : 'gateway.stop', {});
  updateTray();
}

function updateTray(): void {
  if (!tray || !core) return;
  const health = core.health();
  const stats = core.sessions.stats();
  tray.update({ running: health.services.gateway.running, sessions: stats.authenticated, exposed: !isLoopbackHost(core.config.host) });
}

async function boot(): Promise<void> {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  // The local chat pane talks to the gateway over wss://127.0.0.1 with the gateway's own (self-signed)
  // certificate: trust exactly that one on loopback (0); every other certificate gets Chromium's own check (-3).
  session.defaultSession.setCertificateVerifyProc((request, callback) => {
    const own = isOwnGatewayCertificate(`wss://${request.hostname}/`, request.certificate.data, core?.addresses()?.tls?.fingerprint256);
    callback(own ? 0 : -3);
  });
  registerIpc(
    () => handlers,
    (contents) => !!mainWindow && !mainWindow.isDestroyed() && contents.id === mainWindow.webContents.id,
  );
  installAppMenu(
    {
      show: (page) => showWindow(page),
      copyInviteLink: () => void copyInviteLink(),
      toggleGateway: () => void setGateway(!(core?.gatewayAccepting() ?? false)),
      openDocs: () => void shell.openExternal(docsUrl),
      quit: () => app.quit(),
    },
    !!process.env.ELECTRON_RENDERER_URL,
  );
  tray = new AppTray(iconPath, {
    open: () => showWindow(),
    copyInviteLink: () => void copyInviteLink(),
    startGateway: () => void setGateway(true),
    stopGateway: () => void setGateway(false),
    quit: () => app.quit(),
  });
  try {
    const env = { ...process.env, GATEWAY_DATA_DIR: process.env.GATEWAY_DATA_DIR ?? app.getPath('userData') };
    const { config } = loadConfig([], env);
    const stores = electronStores(config.dataDir);
    const settings = openSettings(config, { settingsStore: stores.settings, secretStore: stores.secrets, overridden: overriddenKeys([], process.env) });
    const origins = ['file://', ...(process.env.ELECTRON_RENDERER_URL ? [new URL(process.env.ELECTRON_RENDERER_URL).origin] : [])];
    core = createCore({ config, settings, allowedOrigins: origins });
    handlers = core.admin.handlers;
    const notifier = new ApprovalNotifier({ visible: () => !!mainWindow && mainWindow.isVisible() && mainWindow.isFocused() }, () => showWindow('chat'));
    core.admin.events.subscribe((event, payload) => {
      if (mainWindow && !mainWindow.isDestroyed()) sendAdminEvent(mainWindow.webContents, event, payload);
      if (event === 'approvals.waiting') notifier.notify(payload as EventPayload<'approvals.waiting'>);
      if (event === 'sessions.changed' || event === 'gateway.changed') updateTray();
    });
    await core.start();
  } catch (error) {
    const message = error instanceof ConfigError ? `The settings are invalid: ${error.message}` : (error as Error).message;
    core?.logger.error({ err: error }, 'core failed to start');
    if (!core) handlers = unavailableHandlers(message);
  }
  updateTray();
  showWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  // The tray keeps the app alive with every window closed.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    quitting = true;
    if (!core) return;
    event.preventDefault();
    const stopping = core;
    core = undefined;
    tray?.destroy();
    void stopping.stop('the desktop app is quitting').finally(() => app.quit());
  });
  void app.whenReady().then(boot);
}
