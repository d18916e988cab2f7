import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../config/config';

import { fileSecretStore, fileSettingsStore, memoryStores } from './fileStores';
import { generateAccessCode, maskSecret, overriddenKeys, SettingsService } from './settingsService';

const anthropicKey = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123';
const tallyfyKey = 'tallyfy-desk-user-token-98765';

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'gateway-store-'));
}

function service(dataDir: string, env: NodeJS.ProcessEnv = {}, argv: string[] = []): SettingsService {
  const { config } = loadConfig(argv, { GATEWAY_DATA_DIR: dataDir, ...env });
  return new SettingsService({
    config,
    settingsStore: fileSettingsStore(dataDir),
    secretStore: fileSecretStore(dataDir),
    overridden: overriddenKeys(argv, env),
  });
}

describe('the headless file store', () => {
  it('round-trips settings and secrets across a restart, with secrets only in the 0600 file', () => {
    const dir = freshDir();
    const first = service(dir);
    const result = first.update({
      idleTimeoutMinutes: 15,
      allowedOrgs: ['a0000000000000000000000000000001'],
      approvalPolicy: 'all',
      anthropicModel: 'claude-haiku-4-5',
      tallyfyOrgId: 'a0000000000000000000000000000001',
      secrets: { anthropicApiKey: anthropicKey, tallyfyApiKey: tallyfyKey },
    });
    expect(result.applied).toEqual(expect.arrayContaining(['idleTimeoutMinutes', 'allowedOrgs', 'approvalPolicy', 'anthropicApiKey', 'tallyfyApiKey']));
    expect(result.restartRequired).toEqual([]);

    const settingsText = readFileSync(join(dir, 'settings.json'), 'utf8');
    const secretsText = readFileSync(join(dir, 'secrets.json'), 'utf8');
    expect(settingsText).not.toContain(anthropicKey);
    expect(settingsText).not.toContain(tallyfyKey);
    expect(settingsText).not.toMatch(/apiKey/i);
    expect(secretsText).toContain(anthropicKey);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);

    const second = service(dir);
    expect(second.current).toMatchObject({ idleTimeoutMinutes: 15, allowedOrgs: ['a0000000000000000000000000000001'], approvalPolicy: 'all', anthropicModel: 'claude-haiku-4-5' });
    expect(second.secret('anthropicApiKey')).toBe(anthropicKey);
    expect(second.secret('tallyfyApiKey')).toBe(tallyfyKey);
  });

  it('never puts a secret in the view: only a mask with the last 4 characters', () => {
    const dir = freshDir();
    const settings = service(dir);
    settings.update({ secrets: { anthropicApiKey: anthropicKey } });
    const view = JSON.stringify(settings.view());
    expect(view).not.toContain(anthropicKey);
    expect(settings.view().secrets.anthropicApiKey).toEqual({ set: true, masked: '••••••••0123', source: 'settings' });
    expect(settings.view().secrets.tallyfyApiKey).toEqual({ set: false });
    expect(maskSecret('short')).toBe('••••••••');
  });

  it('forgets a secret set to null', () => {
    const dir = freshDir();
    const settings = service(dir);
    settings.update({ secrets: { tallyfyApiKey: tallyfyKey } });
    settings.update({ secrets: { tallyfyApiKey: null } });
    expect(service(dir).secret('tallyfyApiKey')).toBeUndefined();
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain(tallyfyKey);
  });

  it('tightens a secrets file that others could read', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'secrets.json'), '{}');
    chmodSync(join(dir, 'secrets.json'), 0o644);
    fileSecretStore(dir);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('never writes a secret-named key to settings.json, even when asked', () => {
    const dir = freshDir();
    fileSettingsStore(dir).write({ port: 9001, anthropicApiKey: anthropicKey, adminToken: 'x'.repeat(20) });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ port: 9001 });
  });

  it('keeps the admin token: generated once, then the same after a restart; a flag wins', () => {
    const dir = freshDir();
    const token = service(dir).adminToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(service(dir).adminToken()).toBe(token);
    expect(existsSync(join(dir, 'settings.json')) ? readFileSync(join(dir, 'settings.json'), 'utf8') : '').not.toContain(token);
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).toContain(token);
    expect(service(dir, {}, ['--admin-token', 'flag-token-0123456789']).adminToken()).toBe('flag-token-0123456789');
  });
});

describe('SettingsService', () => {
  it('says host and port need a restart and tells subscribers the rest', () => {
    const dir = freshDir();
    const settings = service(dir);
    const seen: string[][] = [];
    settings.subscribe((change) => seen.push(change.changed));
    const result = settings.update({ port: 9101, idleTimeoutMinutes: 30 });
    expect(result.restartRequired).toEqual(['port']);
    expect(result.applied).toEqual(['idleTimeoutMinutes']);
    expect(seen).toEqual([['port', 'idleTimeoutMinutes']]);
    expect(service(dir).current.port).toBe(9101);
  });

  it('keeps a value forced by the environment for this run and says so', () => {
    const dir = freshDir();
    const settings = service(dir, { GATEWAY_IDLE_TIMEOUT: '45', ANTHROPIC_API_KEY: anthropicKey });
    const result = settings.update({ idleTimeoutMinutes: 10 });
    expect(result.restartRequired).toEqual(['idleTimeoutMinutes']);
    expect(settings.current.idleTimeoutMinutes).toBe(45);
    expect(settings.view().overridden).toContain('idleTimeoutMinutes');
    expect(settings.view().secrets.anthropicApiKey.source).toBe('environment');
  });

  it('regenerates a readable access code and persists it', () => {
    const dir = freshDir();
    const code = service(dir).regenerateAccessCode();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(service(dir).current.accessCode).toBe(code);
    expect(new Set(Array.from({ length: 20 }, generateAccessCode)).size).toBe(20);
  });

  it('works over memory stores', () => {
    const stores = memoryStores({ settings: { approvalPolicy: 'never' } });
    const { config } = loadConfig([], { GATEWAY_DATA_DIR: freshDir() });
    const settings = new SettingsService({ config, settingsStore: stores.settings, secretStore: stores.secrets });
    expect(settings.current.approvalPolicy).toBe('never');
    expect(settings.view().secretStorage).toBe('memory');
  });

  it('never hands a store a secret-named key, whatever the store (the desktop one does not filter)', () => {
    const stores = memoryStores({ settings: { apiKey: 'hand-pasted-key', anthropicApiKey: anthropicKey, theme: 'dark' } });
    const { config } = loadConfig([], { GATEWAY_DATA_DIR: freshDir() });
    const settings = new SettingsService({ config, settingsStore: stores.settings, secretStore: stores.secrets });
    settings.update({ idleTimeoutMinutes: 30 });
    settings.regenerateAccessCode();
    const saved = stores.settings.read();
    expect(saved).not.toHaveProperty('apiKey');
    expect(saved).not.toHaveProperty('anthropicApiKey');
    expect(saved).toMatchObject({ theme: 'dark', idleTimeoutMinutes: 30 });
    // A known secret found there is kept, in the secret store.
    expect(stores.secrets.get('anthropicApiKey')).toBe(anthropicKey);
  });
});
