import ElectronStore from 'electron-store';

import { fileSecretStore, type SecretStore, type SettingsStore } from '../../core';

import { safeStorageAvailable, safeStorageSecretStore } from './safeStorageSecretStore';

/**
 * The desktop app's stores: settings in `<userData>/settings.json` through electron-store (the
 * same file the core's config loader reads), secrets encrypted with `safeStorage` in
 * `<userData>/secrets.enc.json` (0600), or the headless 0600 file when no keychain is available.
 */
export function electronStores(userData: string): { settings: SettingsStore; secrets: SecretStore } {
  const settingsFile = new ElectronStore<Record<string, unknown>>({ name: 'settings', cwd: userData, configFileMode: 0o600, clearInvalidConfig: false });
  const settings: SettingsStore = {
    read: () => ({ ...settingsFile.store }),
    write: (values) => {
      settingsFile.store = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
    },
  };
  if (!safeStorageAvailable()) return { settings, secrets: fileSecretStore(userData) };
  const cipherFile = new ElectronStore<Record<string, unknown>>({ name: 'secrets.enc', cwd: userData, configFileMode: 0o600, clearInvalidConfig: false });
  return {
    settings,
    secrets: safeStorageSecretStore({ read: () => ({ ...cipherFile.store }), write: (values) => (cipherFile.store = values) }),
  };
}
