import { safeStorage } from 'electron';

import type { SecretStore, StoredSecretName } from '../../core';

/** Where the encrypted values are kept: a JSON object on disk (electron-store in the app). */
export interface CipherFile {
  read(): Record<string, unknown>;
  write(values: Record<string, string>): void;
}

/**
 * Secrets encrypted with the OS keychain through Electron's `safeStorage` (Keychain, DPAPI,
 * libsecret/kwallet), stored base64 in `cipherFile`. Check {@link safeStorageAvailable} first:
 * without a keychain, use the headless 0600 file store instead.
 */
export function safeStorageSecretStore(cipherFile: CipherFile): SecretStore {
  const load = (): Record<string, string> =>
    Object.fromEntries(Object.entries(cipherFile.read()).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return {
    kind: 'safeStorage',
    get(name: StoredSecretName) {
      const cipher = load()[name];
      if (!cipher) return undefined;
      try {
        return safeStorage.decryptString(Buffer.from(cipher, 'base64'));
      } catch {
        // Encrypted on another machine or account: treat as unset so the user can enter it again.
        return undefined;
      }
    },
    set(name, value) {
      const next = load();
      if (value === undefined) delete next[name];
      else next[name] = safeStorage.encryptString(value).toString('base64');
      cipherFile.write(next);
    },
  };
}

/** True when `safeStorage` can encrypt with a real OS keychain (not Linux's plain-text fallback). */
export function safeStorageAvailable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  return backend !== 'basic_text';
}
