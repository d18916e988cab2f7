import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { adminRoutes } from '../../../shared/ipc/contract';
import type { Invite } from '../../../shared/types/network';
import type { SettingsUpdateResult } from '../../../shared/types/settings';
import type { StatsView } from '../../../shared/types/stats';
import { loadConfig } from '../config/config';
import { FakeClock } from '../sessions/clock';
import type { QueryEngine } from '../sessions/engine';

import { dispatchAdmin } from './dispatch';
import { adminFixture } from './testing/adminFixture';

const fixtures: ReturnType<typeof adminFixture>[] = [];
function setup(...args: Parameters<typeof adminFixture>) {
  const fixture = adminFixture(...args);
  fixtures.push(fixture);
  return fixture;
}
afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.admin.close();
});

/** Calls a route like a transport does and checks the answer against the contract's output schema. */
async function call(fixture: ReturnType<typeof adminFixture>, route: keyof typeof adminRoutes, input: unknown = {}) {
  const result = await dispatchAdmin(fixture.admin.handlers, route, input);
  if (!result.ok) throw new Error(`${route}: ${result.error.code} ${result.error.message}`);
  return adminRoutes[route].output.parse(result.data) as never;
}

describe('admin handlers', () => {
  it('lists signed-in sessions newest first, without credentials', async () => {
    const fixture = setup();
    fixture.signIn('alice');
    await new Promise((resolve) => setTimeout(resolve, 5));
    fixture.signIn('bob');
    const { sessions } = (await call(fixture, 'sessions.list')) as { sessions: { user?: { name: string } }[] };
    expect(sessions.map((session) => session.user?.name)).toEqual(['bob', 'alice']);
    expect(JSON.stringify(sessions)).not.toContain('sandbox-alice');
  });

  it('kicks a session with a reason and says when there was none', async () => {
    const fixture = setup();
    const alice = fixture.signIn('alice');
    expect(await call(fixture, 'sessions.kick', { id: alice.id, reason: 'Lunch break' })).toEqual({ kicked: true });
    expect(fixture.registry.get(alice.id)).toBeUndefined();
    expect(await call(fixture, 'sessions.kick', { id: alice.id, reason: 'again' })).toEqual({ kicked: false });
    expect(fixture.logs.list().some((entry) => entry.msg === 'the admin closed a session')).toBe(true);
    expect(await dispatchAdmin(fixture.admin.handlers, 'sessions.kick', { id: alice.id, reason: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('says why a cluster could not kick a session held by another node (its code and message)', async () => {
    const fixture = setup();
    const gone = Object.assign(new Error('That session is on node node-b, which is no longer in the cluster.'), { code: 'NODE_GONE' });
    const cluster = { ...fixture.registry, list: () => [], subscribe: () => () => undefined, stats: () => fixture.registry.stats(), kick: () => Promise.reject(gone) };
    const clustered = setup({ sessions: cluster });
    expect(await dispatchAdmin(clustered.admin.handlers, 'sessions.kick', { id: 'elsewhere', reason: 'bye' })).toEqual({
      ok: false,
      error: { code: 'NODE_GONE', message: 'That session is on node node-b, which is no longer in the cluster.' },
    });
    const remote = { ...cluster, kick: () => Promise.resolve(true) };
    expect(await call(setup({ sessions: remote }), 'sessions.kick', { id: 'elsewhere', reason: 'bye' })).toEqual({ kicked: true });
  });

  it('reports stats with percentiles, tools, errors and cost per user', async () => {
    // A scripted engine: a query "N" takes N ms of the fake clock; the first one also calls a tool twice and reports usage.
    // Starts at the real now: the stats view counts queries per minute against the wall clock.
    const clock = new FakeClock(Date.now());
    let first = true;
    const engine: QueryEngine = {
      open: () => ({
        async run(input) {
          if (first) {
            first = false;
            input.emit({ kind: 'tool_start', callId: 'c1', tool: 'list_tasks', args: {} });
            input.emit({ kind: 'tool_end', callId: 'c1', tool: 'list_tasks', status: 'ok', durationMs: 5 });
            input.emit({ kind: 'tool_start', callId: 'c2', tool: 'list_tasks', args: {} });
            input.emit({ kind: 'tool_end', callId: 'c2', tool: 'list_tasks', status: 'error', durationMs: 5 });
            input.emit({
              kind: 'usage',
              usage: { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 0, cacheWriteTokens: 0 },
            });
          }
          clock.advance(Number(input.query));
          return { text: 'ok' };
        },
        clear: () => undefined,
      }),
    };
    const fixture = setup({}, { engine, clock });
    const alice = fixture.signIn('alice');
    for (const ms of [100, 200, 300, 400, 1000]) await alice.ask(String(ms));
    alice.reportError('RATE_LIMITED', 'slow down');
    const stats = (await call(fixture, 'stats.get')) as StatsView;
    expect(stats).toMatchObject({
      active: 1,
      authenticated: 1,
      peak: 1,
      queries: 5,
      queriesPerMinute: 5,
      latencyP50Ms: 300,
      latencyP95Ms: 1000,
    });
    expect(stats.toolCalls).toEqual([{ tool: 'list_tasks', count: 2, errors: 1 }]);
    expect(stats.errors).toEqual([{ kind: 'RATE_LIMITED', count: 1 }]);
    // Sonnet list price: $3/M input + $15/M output.
    expect(stats.users).toEqual([expect.objectContaining({ name: 'alice', costUsd: 4.5 })]);
    expect(stats.series.length).toBeGreaterThan(0);
  });

  it('lists redacted logs filtered by level and sequence', async () => {
    const fixture = setup();
    fixture.logger.info('first');
    fixture.logger.warn({ apiKey: 'sk-ant-secret-value-123456' }, 'careful');
    fixture.logger.flush();
    const { entries } = (await call(fixture, 'logs.list', { level: 'warn' })) as { entries: { msg: string; seq: number }[] };
    expect(entries.map((entry) => entry.msg)).toEqual(['careful']);
    expect(JSON.stringify(entries)).not.toContain('sk-ant-secret-value-123456');
    const after = (await call(fixture, 'logs.list', { afterSeq: entries[0]!.seq })) as { entries: unknown[] };
    expect(after.entries).toEqual([]);
  });

  it('updates settings, persists them, and never returns a secret', async () => {
    const fixture = setup();
    const result = (await call(fixture, 'settings.update', {
      idleTimeoutMinutes: 20,
      allowedOrgs: ['a0000000000000000000000000000001'],
      secrets: { anthropicApiKey: 'sk-ant-api03-verysecretkey-0000' },
    })) as SettingsUpdateResult;
    expect(result.settings.idleTimeoutMinutes).toBe(20);
    expect(result.settings.secrets.anthropicApiKey).toMatchObject({ set: true, masked: '••••••••0000' });
    expect(JSON.stringify(result)).not.toContain('verysecretkey');
    expect(JSON.stringify(await call(fixture, 'settings.get'))).not.toContain('verysecretkey');
    expect(await dispatchAdmin(fixture.admin.handlers, 'settings.update', { idleTimeoutMinutes: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await dispatchAdmin(fixture.admin.handlers, 'settings.update', { host: 'not-an-ip' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await dispatchAdmin(fixture.admin.handlers, 'settings.update', { unknown: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('builds an invite with a QR code: loopback link when private, LAN link with the code when exposed', async () => {
    const fixture = setup();
    const local = (await call(fixture, 'invite.get')) as Invite;
    expect(local).toMatchObject({ exposed: false, url: 'http://127.0.0.1:9555/' });
    expect(local.accessCode).toBeUndefined();
    expect(local.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    fixture.gatewayState.host = '0.0.0.0';
    const { accessCode } = (await call(fixture, 'settings.regenerateAccessCode')) as { accessCode: string };
    const shared = (await call(fixture, 'invite.get')) as Invite;
    expect(shared).toMatchObject({ exposed: true, accessCode, urls: ['http://192.168.1.20:9555/'] });
    expect(shared.url).toBe(`http://192.168.1.20:9555/#code=${accessCode}`);
  });

  it('gives https links and the certificate fingerprint when the gateway speaks TLS, and none without', async () => {
    const fixture = setup();
    fixture.gatewayState.host = '0.0.0.0';
    const plain = (await call(fixture, 'invite.get')) as Invite;
    expect(plain.url).toMatch(/^http:\/\/192\.168\.1\.20:9555\//);
    expect(plain.tls).toBeUndefined();
    const tls = { fingerprint256: 'AB:'.repeat(31) + 'CD', selfSigned: true, validTo: '2029-01-01T00:00:00.000Z', names: ['localhost', '192.168.1.20'] };
    fixture.gatewayState.tls = tls;
    const secure = (await call(fixture, 'invite.get')) as Invite;
    expect(secure.urls).toEqual(['https://192.168.1.20:9555/']);
    expect(secure.url).toMatch(/^https:\/\/192\.168\.1\.20:9555\//);
    expect(secure.tls).toEqual(tls);
    expect(await call(fixture, 'gateway.status')).toMatchObject({ url: 'https://127.0.0.1:9555/', tls });
    fixture.admin.gatewayChanged();
    expect(fixture.responders.at(-1)!.published.map((item) => `${item.type}:${item.port}`)).toEqual(['tallyfy-gateway:9555', 'https:9555']);
  });

  it('saves the LAN TLS switch for the next start: false turns TLS off, null goes back to the default', async () => {
    const fixture = setup();
    const off = (await call(fixture, 'settings.update', { tls: false })) as SettingsUpdateResult;
    expect(off.restartRequired).toContain('tls');
    expect(off.settings.tls).toBe(false);
    expect(loadConfig(['--host', '0.0.0.0'], { GATEWAY_DATA_DIR: fixture.dataDir }).config.tls).toBe(false);
    const back = (await call(fixture, 'settings.update', { tls: null })) as SettingsUpdateResult;
    expect(back.settings.tls).toBeUndefined();
    expect(JSON.parse(readFileSync(join(fixture.dataDir, 'settings.json'), 'utf8'))).not.toHaveProperty('tls');
    expect(loadConfig(['--host', '0.0.0.0'], { GATEWAY_DATA_DIR: fixture.dataDir }).config.tls).toBeUndefined();
  });

  it('stops and starts the gateway, advertising it over mDNS only while exposed and running', async () => {
    const fixture = setup();
    expect(await call(fixture, 'gateway.stop')).toMatchObject({ running: false, advertised: false });
    expect(await call(fixture, 'gateway.start')).toMatchObject({ running: true, exposed: false, advertised: false });
    expect(fixture.responders).toHaveLength(0);
    fixture.gatewayState.host = '0.0.0.0';
    fixture.admin.gatewayChanged();
    expect(fixture.responders).toHaveLength(1);
    expect(fixture.responders[0]!.published.map((item) => `${item.type}:${item.port}`)).toEqual(['tallyfy-gateway:9555', 'http:9555']);
    expect(await call(fixture, 'gateway.stop')).toMatchObject({ running: false, advertised: false });
    expect(fixture.responders[0]!.destroyed).toBe(true);
    expect(await call(fixture, 'gateway.start')).toMatchObject({ running: true, exposed: true, advertised: true });
  });

  it('stopping the gateway closes the teammates sessions', async () => {
    const fixture = setup();
    fixture.signIn('alice');
    await call(fixture, 'gateway.stop');
    expect(fixture.registry.size).toBe(0);
  });

  it('lists network addresses and says when the local chat is unavailable', async () => {
    const fixture = setup();
    expect(await call(fixture, 'network.addresses')).toMatchObject({ addresses: [{ address: '127.0.0.1' }, { address: '192.168.1.20' }] });
    expect(await call(fixture, 'localChat.connect')).toMatchObject({ available: false });
    const withChat = setup({ localChat: () => ({ available: true, wsUrl: 'ws://127.0.0.1:1', localToken: 'once' }) });
    expect(await call(withChat, 'localChat.connect')).toEqual({ available: true, wsUrl: 'ws://127.0.0.1:1', localToken: 'once' });
  });
});
