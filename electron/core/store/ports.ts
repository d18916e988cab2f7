import type { SecretStorage } from '../../../shared/types/settings';

/** Names of the secrets the store keeps: the two keys from the settings and the browser admin token. */
export type StoredSecretName = 'anthropicApiKey' | 'tallyfyApiKey' | 'adminToken';

/** Keys that must never be written to settings.json, whoever asks (the settings service drops them for every store). */
export const secretSettingKeys: ReadonlySet<string> = new Set(['anthropicApiKey', 'tallyfyApiKey', 'adminToken', 'apiKey', 'token', 'password']);

/**
 * Where non-secret settings live: a JSON object of config keys (`settings.json`), the same file
 * `loadConfig` reads at start. Implementations: the headless file store, electron-store in the app.
 */
export interface SettingsStore {
  /** The saved values; `{}` when nothing is saved. */
  read(): Record<string, unknown>;
  /** Replaces the saved values with `values` (keys set to `undefined` are dropped). Never given a secret. */
  write(values: Record<string, unknown>): void;
}

/**
 * Where secrets live: a 0600 file in headless mode, safeStorage-encrypted values in the app.
 * Values never leave the core: not to the renderer, not to a log.
 */
export interface SecretStore {
  readonly kind: SecretStorage;
  get(name: StoredSecretName): string | undefined;
  /** Stores a value, or forgets it when `value` is undefined. */
  set(name: StoredSecretName, value: string | undefined): void;
}

/** A failure to read or write the stores; `message` says which file and what to do. */
export class StoreError extends Error {
  readonly code = 'STORE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}
