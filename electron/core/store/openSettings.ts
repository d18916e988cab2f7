import type { Config } from '../config/config';

import { fileSecretStore, fileSettingsStore } from './fileStores';
import type { SecretStore, SettingsStore } from './ports';
import { SettingsService } from './settingsService';

export interface OpenSettingsOptions {
  /** Default: `<dataDir>/settings.json`. */
  settingsStore?: SettingsStore;
  /** Default: `<dataDir>/secrets.json` (0600). The desktop app passes its safeStorage store. */
  secretStore?: SecretStore;
  /** Keys forced by flags or environment (see `overriddenKeys`). */
  overridden?: readonly string[];
  /** Keys the core applies live. */
  liveKeys?: readonly string[];
}

/** The settings service over the headless file stores (or the stores given). */
export function openSettings(config: Config, options: OpenSettingsOptions = {}): SettingsService {
  return new SettingsService({
    config,
    settingsStore: options.settingsStore ?? fileSettingsStore(config.dataDir),
    secretStore: options.secretStore ?? fileSecretStore(config.dataDir),
    ...(options.overridden ? { overridden: options.overridden } : {}),
    ...(options.liveKeys ? { liveKeys: options.liveKeys } : {}),
  });
}

/**
 * The config the core runs with: the given one, with the saved secrets (Anthropic key, the desk
 * user's Tallyfy key) and saved access code filled in where flags and environment left them out,
 * and an access code generated (and saved) when the gateway is exposed without one.
 */
export function effectiveConfig(config: Config, settings: SettingsService, exposed: boolean): Config {
  const current = settings.current;
  const anthropicApiKey = settings.secret('anthropicApiKey');
  const tallyfyApiKey = settings.secret('tallyfyApiKey');
  const accessCode = current.accessCode ?? (exposed ? settings.ensureAccessCode() : undefined);
  return {
    ...config,
    ...(anthropicApiKey ? { anthropicApiKey } : {}),
    ...(tallyfyApiKey ? { tallyfyApiKey } : {}),
    ...(current.tallyfyOrgId ? { tallyfyOrgId: current.tallyfyOrgId } : {}),
    ...(accessCode ? { accessCode } : {}),
  };
}
