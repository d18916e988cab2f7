/**
 * The core's public entry: everything `electron/main` (the Electron shell) may use. The shell
 * composes the core with {@link createCore}, dispatches admin routes, and plugs its own settings
 * and secret stores into the store ports; everything else stays inside electron/core.
 * Lint holds this: electron/main and electron/preload import nothing else from electron/core.
 */
export { createCore, type Core, type CoreAddresses, type CoreOptions } from './createCore';
export { ConfigError, loadConfig, type Config } from './config/config';
export { AdminRouteError, dispatchAdmin, type AdminHandlers } from './admin/dispatch';
export { isLoopbackHost } from './net/loopback';
export { openSettings } from './store/openSettings';
export { overriddenKeys } from './store/settingsService';
export { fileSecretStore } from './store/fileStores';
export type { SecretStore, SettingsStore, StoredSecretName } from './store/ports';
