import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { modelSuggestions } from '../../../shared/types/models';

import { ConfigError, loadConfig, overriddenKeys } from './config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'gw-config-'));

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const { config } = loadConfig([], { GATEWAY_DATA_DIR: dataDir() });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 9001, mcpPort: 9000, sandbox: false, idleTimeoutMinutes: 60 });
    expect(config.tallyfyApiUrl).toBe('https://api.tallyfy.com');
  });

  it('suggests the default model in Settings → Model (regression: the suggestions left it out)', () => {
    const { config } = loadConfig([], { GATEWAY_DATA_DIR: dataDir() });
    expect(config.anthropicModel).toBe('claude-sonnet-5-5');
    expect(modelSuggestions[0]).toBe(config.anthropicModel);
  });

  it('says in words what a number option needs (regression: "expected number, received NaN")', () => {
    const message = (args: string[]): string => {
      try {
        loadConfig(args, { GATEWAY_DATA_DIR: dataDir() });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    for (const bad of ['abc', '1.5', '70000', '-1']) {
      expect(message([`--port=${bad}`])).toBe('--port / GATEWAY_PORT: must be a whole number from 0 to 65535 (0 picks a free port)');
    }
    expect(message(['--mcp-port', 'x'])).toMatch(/^--mcp-port \/ GATEWAY_MCP_PORT: must be a whole number/);
    expect(message(['--idle-timeout', '0'])).toBe('--idle-timeout / GATEWAY_IDLE_TIMEOUT: must be a number of minutes above 0 and at most 1440 (a day)');
    expect(message(['--idle-timeout', 'soon'])).toMatch(/must be a number of minutes/);
    expect(message(['--port', '0', '--idle-timeout', '1440'])).toBe('accepted');
  });

  it('ranks flags over environment over settings file', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ port: 7001, mcpPort: 7000, idleTimeoutMinutes: 5 }));
    const { config } = loadConfig(['--port', '7003'], { GATEWAY_DATA_DIR: dir, GATEWAY_PORT: '7002', GATEWAY_MCP_PORT: '7004' });
    expect(config.port).toBe(7003);
    expect(config.mcpPort).toBe(7004);
    expect(config.idleTimeoutMinutes).toBe(5);
  });

  it('explains a bad flag in one line', () => {
    expect(() => loadConfig(['--port', 'abc'], { GATEWAY_DATA_DIR: dataDir() })).toThrow(/--port \/ GATEWAY_PORT/);
    expect(() => loadConfig(['--bogus'], { GATEWAY_DATA_DIR: dataDir() })).toThrow(ConfigError);
  });

  it('explains a bad environment value', () => {
    expect(() => loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_SANDBOX: 'maybe' })).toThrow(/GATEWAY_SANDBOX must be true or false/);
    expect(() => loadConfig([], { GATEWAY_DATA_DIR: dataDir(), TALLYFY_API_URL: 'not a url' })).toThrow(/TALLYFY_API_URL/);
  });

  it('reads GATEWAY_TOOL_LOADING (default deferred) and refuses a value it does not know', () => {
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir() }).config.toolLoading).toBe('deferred');
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_TOOL_LOADING: 'all' }).config.toolLoading).toBe('all');
    expect(() => loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_TOOL_LOADING: 'lazy' })).toThrow(/toolLoading|GATEWAY_TOOL_LOADING/);
  });

  it('reads the API fallback from settings.json ("apiFallback") and GATEWAY_API_FALLBACK, the environment winning', () => {
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir() }).config.apiFallback).toBe(false);
    const on = dataDir();
    writeFileSync(join(on, 'settings.json'), JSON.stringify({ apiFallback: true }));
    expect(loadConfig([], { GATEWAY_DATA_DIR: on }).config.apiFallback).toBe(true);
    expect(loadConfig([], { GATEWAY_DATA_DIR: on, GATEWAY_API_FALLBACK: '0' }).config.apiFallback).toBe(false);
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_API_FALLBACK: '1' }).config.apiFallback).toBe(true);
    expect(overriddenKeys([], { GATEWAY_API_FALLBACK: '1' })).toContain('apiFallback');
    const bad = dataDir();
    writeFileSync(join(bad, 'settings.json'), JSON.stringify({ apiFallback: 'yes please' }));
    expect(() => loadConfig([], { GATEWAY_DATA_DIR: bad })).toThrow(/GATEWAY_API_FALLBACK/);
    expect(() => loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_API_FALLBACK: 'maybe' })).toThrow(/GATEWAY_API_FALLBACK must be true or false/);
  });

  it('turns mDNS advertising off with --no-mdns or GATEWAY_MDNS=false', () => {
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir() }).config.mdns).toBe(true);
    expect(loadConfig(['--no-mdns'], { GATEWAY_DATA_DIR: dataDir() }).config.mdns).toBe(false);
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_MDNS: 'false' }).config.mdns).toBe(false);
  });

  it('explains a broken settings file', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'settings.json'), '{oops');
    expect(() => loadConfig([], { GATEWAY_DATA_DIR: dir })).toThrow(/settings\.json is not valid JSON/);
  });
});

describe('TLS options', () => {
  it('reads --tls, --no-tls, --tls-cert/--tls-key and their environment variables', () => {
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir() }).config.tls).toBeUndefined();
    expect(loadConfig(['--tls'], { GATEWAY_DATA_DIR: dataDir() }).config.tls).toBe(true);
    expect(loadConfig(['--no-tls', '--host', '0.0.0.0'], { GATEWAY_DATA_DIR: dataDir() }).config.tls).toBe(false);
    expect(loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_TLS: '1' }).config.tls).toBe(true);
    const { config } = loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_TLS_CERT: '/x/cert.pem', GATEWAY_TLS_KEY: '/x/key.pem' });
    expect(config).toMatchObject({ tlsCert: '/x/cert.pem', tlsKey: '/x/key.pem' });
  });

  it('refuses contradictions and a certificate without its key, in one line', () => {
    expect(() => loadConfig(['--tls', '--no-tls'], { GATEWAY_DATA_DIR: dataDir() })).toThrow(/--tls and --no-tls contradict/);
    expect(() => loadConfig(['--tls-cert', '/x/cert.pem'], { GATEWAY_DATA_DIR: dataDir() })).toThrow(/--tls-cert needs --tls-key/);
    expect(() => loadConfig(['--tls-key', '/x/key.pem'], { GATEWAY_DATA_DIR: dataDir() })).toThrow(/--tls-key needs --tls-cert/);
    expect(() => loadConfig(['--no-tls', '--tls-cert', '/a', '--tls-key', '/b'], { GATEWAY_DATA_DIR: dataDir() })).toThrow(/--tls-cert was given with --no-tls/);
  });

  it('counts --no-tls as overriding the saved tls setting', () => {
    expect(overriddenKeys(['--no-tls'], {})).toContain('tls');
    expect(overriddenKeys([], { GATEWAY_TLS: '1' })).toContain('tls');
  });
});

describe('cluster options', () => {
  const message = (args: string[], env: NodeJS.ProcessEnv = {}): string => {
    try {
      loadConfig(args, { GATEWAY_DATA_DIR: dataDir(), ...env });
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('reads --redis, --node-id and --redis-prefix and their environment variables; memory mode without them', () => {
    const plain = loadConfig([], { GATEWAY_DATA_DIR: dataDir() }).config;
    expect(plain.redisUrl).toBeUndefined();
    expect(plain.redisPrefix).toBe('tallyfy-gw:');
    const fromFlags = loadConfig(['--redis', 'rediss://:pw@10.0.0.5:6380/2', '--node-id', 'gw-a', '--redis-prefix', 'team1:'], {
      GATEWAY_DATA_DIR: dataDir(),
    }).config;
    expect(fromFlags).toMatchObject({ redisUrl: 'rediss://:pw@10.0.0.5:6380/2', nodeId: 'gw-a', redisPrefix: 'team1:' });
    const fromEnv = loadConfig([], { GATEWAY_DATA_DIR: dataDir(), GATEWAY_REDIS_URL: 'redis://127.0.0.1:6379', GATEWAY_NODE_ID: 'b' }).config;
    expect(fromEnv).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', nodeId: 'b' });
  });

  it('refuses a URL that is not Redis and a node name with spaces, in words, without echoing the URL (it may hold a password)', () => {
    const refused = message(['--redis', 'http://:secretpw@10.0.0.5:6379']);
    expect(refused).toBe('--redis / GATEWAY_REDIS_URL: must be a redis:// or rediss:// URL, e.g. redis://:password@10.0.0.5:6379/0');
    expect(refused).not.toContain('secretpw');
    expect(message(['--node-id', 'node one'])).toMatch(/^--node-id \/ GATEWAY_NODE_ID: must be 1–64 letters/);
    expect(message(['--redis-prefix', ''], { GATEWAY_REDIS_PREFIX: '' })).toMatch(/--redis-prefix/);
  });
});
