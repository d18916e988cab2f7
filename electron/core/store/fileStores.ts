import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { SecretStorage } from '../../../shared/types/settings';

import { secretSettingKeys, StoreError, type SecretStore, type SettingsStore, type StoredSecretName } from './ports';

function readJsonObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StoreError(`${file} is not valid JSON (${(error as Error).message}); fix or delete it`, { cause: error });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new StoreError(`${file} must hold a JSON object; fix or delete it`);
  return parsed as Record<string, unknown>;
}

/** Writes `text` to `file` atomically (temporary file + rename) with `mode`. */
function writeAtomic(file: string, text: string, mode: number): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode });
    chmodSync(temporary, mode);
    renameSync(temporary, file);
  } catch (error) {
    throw new StoreError(`Cannot save ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The headless settings store: `<dataDir>/settings.json` (mode 0600: it holds the access code), pretty-printed, written
 * atomically. Keys it does not know are kept; secret-named keys are never written.
 */
export function fileSettingsStore(dataDir: string): SettingsStore & { readonly file: string } {
  const file = join(dataDir, 'settings.json');
  return {
    file,
    read: () => readJsonObject(file),
    write(values) {
      const clean = Object.fromEntries(Object.entries(values).filter(([key, value]) => value !== undefined && !secretSettingKeys.has(key)));
      writeAtomic(file, `${JSON.stringify(clean, null, 2)}\n`, 0o600);
    },
  };
}

/**
 * The headless secret store: `<dataDir>/secrets.json`, readable by the owner only (0600; a looser
 * file is tightened on open). Plain JSON: protect the account, or use the desktop app, whose
 * store encrypts with the OS keychain.
 */
export function fileSecretStore(dataDir: string): SecretStore & { readonly file: string } {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let cache: Record<string, unknown> | undefined;
  const load = (): Record<string, unknown> => (cache ??= readJsonObject(file));
  return {
    file,
    kind: 'file' satisfies SecretStorage,
    get(name) {
      const value = load()[name];
      return typeof value === 'string' && value ? value : undefined;
    },
    set(name: StoredSecretName, value) {
      const next = { ...load() };
      if (value === undefined) delete next[name];
      else next[name] = value;
      writeAtomic(file, `${JSON.stringify(next, null, 2)}\n`, 0o600);
      cache = next;
    },
  };
}

/** Stores that keep everything in memory (tests, and a read-only data folder). */
export function memoryStores(initial: { settings?: Record<string, unknown>; secrets?: Partial<Record<StoredSecretName, string>> } = {}): {
  settings: SettingsStore;
  secrets: SecretStore;
} {
  let settings = { ...initial.settings };
  const secrets = new Map(Object.entries(initial.secrets ?? {}) as [StoredSecretName, string][]);
  return {
    settings: { read: () => ({ ...settings }), write: (values) => (settings = { ...values }) },
    secrets: {
      kind: 'memory',
      get: (name) => secrets.get(name),
      set: (name, value) => (value === undefined ? secrets.delete(name) : secrets.set(name, value)),
    },
  };
}
