import { randomBytes, randomInt } from 'node:crypto';

import {
  editableSettingsSchema,
  secretNames,
  type EditableSettings,
  type SecretName,
  type SecretStatus,
  type SettingsUpdate,
  type SettingsUpdateResult,
  type SettingsView,
} from '../../../shared/types/settings';
import { noSpendLimits, spendLimitNames, spendLimitsSchema, toolPolicySchema, type SpendLimits } from '../../../shared/types/spend';
import type { Config } from '../config/config';

import { secretSettingKeys, type SecretStore, type SettingsStore } from './ports';

/** Every key that could be applied to a running core; host and ports always need a restart. */
export const liveSettingKeys = [
  'accessCode',
  'allowedOrgs',
  'idleTimeoutMinutes',
  'approvalPolicy',
  'anthropicModel',
  'tallyfyOrgId',
  'anthropicApiKey',
  'tallyfyApiKey',
  'spendLimits',
  'toolPolicy',
] as const;

/**
 * The spend limits in force at start: those saved in the settings (`spendLimits`), each replaced
 * by its flag or environment variable when one is given (`--user-daily-usd`, …; see config).
 */
export function startingSpendLimits(saved: unknown, config: Pick<Config, SpendLimitKey>): SpendLimits {
  const parsed = spendLimitsSchema.partial().safeParse(saved);
  const limits = { ...noSpendLimits(), ...(parsed.success ? parsed.data : {}) };
  for (const name of spendLimitNames) {
    const forced = config[name];
    if (forced !== undefined) limits[name] = forced;
  }
  return limits;
}
type SpendLimitKey = (typeof spendLimitNames)[number];

/** The settings whose value a flag or environment variable forces (and the settings cannot change). */
export { overriddenKeys } from '../config/config';

/** An access code teammates can type: 3 groups of 4 unambiguous characters, e.g. `K7QM-2XPA-9HTD`. */
export function generateAccessCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const groups = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join(''));
  return groups.join('-');
}

/** A random admin token: 32 URL-safe characters (192 bits). */
export function generateAdminToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Masks a secret: bullets and its last 4 characters when it is long enough (12+), bullets only otherwise. */
export function maskSecret(value: string): string {
  return value.length >= 12 ? `••••••••${value.slice(-4)}` : '••••••••';
}

export interface SettingsChange {
  /** The settings after the change. */
  settings: EditableSettings;
  /** Keys whose value changed. */
  changed: string[];
}

export interface SettingsServiceOptions {
  /** The config the core started with (flags > env > settings.json > defaults). */
  config: Config;
  settingsStore: SettingsStore;
  secretStore: SecretStore;
  /** Keys a flag or environment variable forces; see {@link overriddenKeys}. Default none. */
  overridden?: readonly string[];
  /** Keys the host applies to the running core when told (the rest are reported as needing a restart). Default {@link liveSettingKeys}. */
  liveKeys?: readonly string[];
}

/**
 * The settings as the admin edits them: validated, persisted (secrets apart, in the secret store),
 * and announced to subscribers so the core applies them at once where it can. Never returns a
 * secret to a caller outside the core: {@link SettingsService.view} masks them.
 */
export class SettingsService {
  readonly #options: SettingsServiceOptions;
  readonly #overridden: Set<string>;
  readonly #listeners = new Set<(change: SettingsChange) => void>();
  #settings: EditableSettings;

  constructor(options: SettingsServiceOptions) {
    this.#options = options;
    this.#overridden = new Set(options.overridden ?? []);
    const saved = options.settingsStore.read();
    const { config } = options;
    const candidate = {
      host: config.host,
      ...(config.tls !== undefined ? { tls: config.tls } : {}),
      port: config.port,
      mcpPort: config.mcpPort,
      accessCode: config.accessCode,
      allowedOrgs: Array.isArray(saved.allowedOrgs) ? saved.allowedOrgs : [],
      idleTimeoutMinutes: Math.max(1, Math.round(config.idleTimeoutMinutes)),
      approvalPolicy: typeof saved.approvalPolicy === 'string' ? saved.approvalPolicy : 'writes',
      anthropicModel: config.anthropicModel,
      tallyfyOrgId: config.tallyfyOrgId ?? '',
      spendLimits: startingSpendLimits(saved.spendLimits, config),
      toolPolicy: toolPolicySchema.safeParse(saved.toolPolicy ?? {}).data ?? toolPolicySchema.parse({}),
    };
    const parsed = editableSettingsSchema.safeParse(candidate);
    // A hand-edited file with a bad allowedOrgs/approvalPolicy falls back to the defaults for those keys.
    this.#settings = parsed.success ? parsed.data : editableSettingsSchema.parse({ ...candidate, allowedOrgs: [], approvalPolicy: 'writes' });
  }

  /** The current editable settings (effective values). */
  get current(): EditableSettings {
    return structuredClone(this.#settings);
  }

  get secretStorage(): SecretStore['kind'] {
    return this.#options.secretStore.kind;
  }

  /** A secret's effective value: a flag or environment variable first, then the secret store. Core use only. */
  secret(name: SecretName): string | undefined {
    const fromConfig = this.#options.config[name];
    if (fromConfig && this.#overridden.has(name)) return fromConfig;
    return this.#options.secretStore.get(name) ?? fromConfig;
  }

  /** The browser admin token: `--admin-token`/`GATEWAY_ADMIN_TOKEN`, else the saved one, else a new one (saved). */
  adminToken(): string {
    if (this.#options.config.adminToken) return this.#options.config.adminToken;
    const saved = this.#options.secretStore.get('adminToken');
    if (saved) return saved;
    const token = generateAdminToken();
    this.#options.secretStore.set('adminToken', token);
    return token;
  }

  /** The access code, generating and saving one when none is set. */
  ensureAccessCode(): string {
    if (this.#settings.accessCode) return this.#settings.accessCode;
    return this.regenerateAccessCode();
  }

  /** What the admin view shows: values, secret status (masked), storage and overrides. */
  view(): SettingsView {
    const status = (name: SecretName): SecretStatus => {
      const value = this.secret(name);
      if (!value) return { set: false };
      const fromEnvironment = this.#overridden.has(name) || (!this.#options.secretStore.get(name) && !!this.#options.config[name]);
      return { set: true, masked: maskSecret(value), source: fromEnvironment ? 'environment' : 'settings' };
    };
    return {
      ...this.current,
      secrets: { anthropicApiKey: status('anthropicApiKey'), tallyfyApiKey: status('tallyfyApiKey') },
      secretStorage: this.secretStorage,
      dataDir: this.#options.config.dataDir,
      overridden: [...this.#overridden]
        .map((key) => ((spendLimitNames as readonly string[]).includes(key) ? `spendLimits.${key}` : key))
        .filter((key) => key in this.#settings || key === 'accessCode' || key.startsWith('spendLimits.')),
    };
  }

  /**
   * Applies a validated update: saves it (secrets to the secret store), tells subscribers, and says
   * which keys took effect now and which need a restart. Keys forced by flags or environment are
   * saved for the next start but keep their forced value now.
   */
  update(patch: SettingsUpdate): SettingsUpdateResult {
    const { secrets, spendLimits, ...rest } = patch;
    // Limits merge: `{ spendLimits: { perUserDailyUsd: 5 } }` leaves the other two as they are.
    const values = spendLimits ? { ...rest, spendLimits: { ...this.#settings.spendLimits, ...spendLimits } } : rest;
    const next: EditableSettings = { ...this.#settings };
    const changed: string[] = [];
    for (const [key, value] of Object.entries(values) as [keyof EditableSettings, unknown][]) {
      if (value === undefined) continue;
      const normalized = value === null ? undefined : value;
      if (JSON.stringify(normalized) === JSON.stringify(this.#settings[key])) continue;
      (next as Record<string, unknown>)[key] = normalized;
      changed.push(key);
    }
    const validated = editableSettingsSchema.parse(next);
    for (const name of secretNames) {
      const value = secrets?.[name];
      if (value === undefined) continue;
      const current = this.#options.secretStore.get(name);
      if ((value ?? undefined) === current) continue;
      this.#options.secretStore.set(name, value ?? undefined);
      changed.push(name);
    }
    this.#save(validated);
    return this.#announce(validated, changed);
  }

  /** Replaces the access code with a fresh one, saves and announces it. */
  regenerateAccessCode(): string {
    const accessCode = generateAccessCode();
    const next = { ...this.#settings, accessCode };
    this.#save(next);
    this.#announce(next, ['accessCode']);
    return accessCode;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (change: SettingsChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #save(settings: EditableSettings): void {
    const saved = this.#options.settingsStore.read();
    for (const name of secretNames) {
      // A key pasted into settings.json by hand moves to the secret store instead of being lost.
      const value = saved[name];
      if (typeof value === 'string' && value !== '' && !this.#options.secretStore.get(name)) this.#options.secretStore.set(name, value);
    }
    const values: Record<string, unknown> = { ...saved, ...settings, tallyfyOrgId: settings.tallyfyOrgId || undefined };
    for (const key of secretSettingKeys) delete values[key];
    this.#options.settingsStore.write(values);
  }

  #announce(validated: EditableSettings, changed: string[]): SettingsUpdateResult {
    // Forced keys keep their value in this run.
    const effective = { ...validated };
    for (const key of this.#overridden) {
      if (key in effective) (effective as Record<string, unknown>)[key] = this.#settings[key as keyof EditableSettings];
      if ((spendLimitNames as readonly string[]).includes(key)) {
        const name = key as SpendLimitKey;
        effective.spendLimits = { ...effective.spendLimits, [name]: this.#settings.spendLimits[name] };
      }
    }
    this.#settings = effective;
    const live = changed.filter((key) => !this.#overridden.has(key));
    const liveKeys = new Set<string>(this.#options.liveKeys ?? liveSettingKeys);
    const applied = live.filter((key) => liveKeys.has(key));
    const restartRequired = changed.filter((key) => !applied.includes(key));
    if (changed.length > 0) for (const listener of this.#listeners) listener({ settings: this.current, changed: live });
    return { settings: this.view(), applied, restartRequired };
  }
}
