import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { settingsUpdateSchema } from '../../../shared/types/settings';
import { ConfigError, loadConfig } from '../config/config';

import { fileSecretStore, fileSettingsStore } from './fileStores';
import { overriddenKeys, SettingsService } from './settingsService';

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'gateway-spend-settings-'));

function service(dataDir: string, env: NodeJS.ProcessEnv = {}, argv: string[] = []): SettingsService {
  const { config } = loadConfig(argv, { GATEWAY_DATA_DIR: dataDir, ...env });
  return new SettingsService({
    config,
    settingsStore: fileSettingsStore(dataDir),
    secretStore: fileSecretStore(dataDir),
    overridden: overriddenKeys(argv, env),
  });
}

describe('spendLimits and toolPolicy settings', () => {
  it('default to no limits and an empty policy', () => {
    const settings = service(freshDir());
    expect(settings.current.spendLimits).toEqual({ perUserDailyUsd: null, perUserMonthlyUsd: null, gatewayMonthlyUsd: null });
    expect(settings.current.toolPolicy).toEqual({ disabled: [], alwaysAsk: [], byRole: {} });
  });

  it('merge a partial limits update, save both, announce them as applied, and keep them across a restart', () => {
    const dir = freshDir();
    const first = service(dir);
    const seen: string[][] = [];
    first.subscribe((change) => seen.push(change.changed));
    first.update({ spendLimits: { perUserDailyUsd: 2.5, gatewayMonthlyUsd: 100 } });
    const result = first.update({
      spendLimits: { perUserDailyUsd: null },
      toolPolicy: { disabled: ['delete_template'], alwaysAsk: [], byRole: { light: { disabled: ['launch_process'], alwaysAsk: [] } } },
    });
    expect(result.applied.sort()).toEqual(['spendLimits', 'toolPolicy']);
    expect(result.restartRequired).toEqual([]);
    expect(result.settings.spendLimits).toEqual({ perUserDailyUsd: null, perUserMonthlyUsd: null, gatewayMonthlyUsd: 100 });
    expect(seen.map((keys) => [...keys].sort())).toEqual([['spendLimits'], ['spendLimits', 'toolPolicy']]);
    const again = service(dir);
    expect(again.current.spendLimits.gatewayMonthlyUsd).toBe(100);
    expect(again.current.toolPolicy.byRole.light?.disabled).toEqual(['launch_process']);
  });

  it('flags and environment variables set the limits; a flag beats the environment and the saved value', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ spendLimits: { perUserDailyUsd: 9, perUserMonthlyUsd: 90 } }));
    const env = { GATEWAY_USER_DAILY_USD: '3', GATEWAY_GATEWAY_MONTHLY_USD: '500' };
    const argv = ['--user-daily-usd', '1.5'];
    const settings = service(dir, env, argv);
    expect(settings.current.spendLimits).toEqual({ perUserDailyUsd: 1.5, perUserMonthlyUsd: 90, gatewayMonthlyUsd: 500 });
    expect(settings.view().overridden.sort()).toEqual(['spendLimits.gatewayMonthlyUsd', 'spendLimits.perUserDailyUsd']);
    // A forced limit keeps its value in this run; the others change at once.
    const result = settings.update({ spendLimits: { perUserDailyUsd: 7, perUserMonthlyUsd: 70 } });
    expect(result.settings.spendLimits).toEqual({ perUserDailyUsd: 1.5, perUserMonthlyUsd: 70, gatewayMonthlyUsd: 500 });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).spendLimits.perUserMonthlyUsd).toBe(70);
  });

  it('a bad flag value is a one-line error naming the flag and variable', () => {
    expect(() => loadConfig(['--user-monthly-usd', '-4'], { GATEWAY_DATA_DIR: freshDir() })).toThrow(ConfigError);
    expect(() => loadConfig([], { GATEWAY_DATA_DIR: freshDir(), GATEWAY_GATEWAY_MONTHLY_USD: 'lots' })).toThrow(
      /--gateway-monthly-usd \/ GATEWAY_GATEWAY_MONTHLY_USD/,
    );
  });

  it('a hand-edited policy that does not parse falls back to the empty one; bad update input is refused', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ toolPolicy: { disabled: 'all' }, spendLimits: { perUserDailyUsd: -1 } }));
    const settings = service(dir);
    expect(settings.current.toolPolicy).toEqual({ disabled: [], alwaysAsk: [], byRole: {} });
    expect(settings.current.spendLimits.perUserDailyUsd).toBeNull();
    expect(settingsUpdateSchema.safeParse({ spendLimits: { perUserDailyUsd: -2 } }).success).toBe(false);
    expect(settingsUpdateSchema.safeParse({ toolPolicy: { byRole: { owner: {} } } }).success).toBe(false);
  });
});
