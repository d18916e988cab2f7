import { describe, expect, it } from 'vitest';

import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';

import { displayArgs } from './displayArgs';
import type { QueryEngine } from './engine';
import { SessionRegistry, type RegistryEvent } from './registry';
import type { SessionEvent } from './session';
import { FakeClock } from './testing/fakeClock';

function setup(engine?: QueryEngine) {
  const secrets = new SecretRegistry();
  const clock = new FakeClock(1_000_000);
  let built = 0;
  const registry = new SessionRegistry({
    secrets,
    clock,
    logger: createLogger({ secrets, destination: null }),
    engine: engine ?? { open: () => ({ run: async (input) => ({ text: `echo ${input.query}` }), clear: () => undefined }) },
    toolHostFactory: async () => {
      built += 1;
      return { listTools: async () => [], callTool: async () => ({ text: '', isError: false }), close: async () => undefined };
    },
    idleTimeoutMinutes: 30,
  });
  const events: RegistryEvent[] = [];
  registry.subscribe((event) => events.push(event));
  return { registry, secrets, clock, events, built: () => built };
}

const identity = { user: { id: '7', name: 'Desk User', email: 'desk@example.com' }, org: { id: 'o1' } };

describe('SessionRegistry', () => {
  it('creates, lists, snapshots without secrets, and removes sessions with events', async () => {
    const { registry, secrets, events } = setup();
    const session = registry.create({ kind: 'local', address: 'local' });
    const seen: SessionEvent['type'][] = [];
    session.on((event) => seen.push(event.type));
    session.attach();
    session.signIn(identity, { apiKey: 'desk-secret-key', orgId: 'o1' });
    expect(secrets.scrub('desk-secret-key')).toBe('[redacted]');
    await session.ask('hello', 'q1');
    expect(seen.filter((type) => type !== 'changed')).toEqual(['processing', 'query_done', 'response']);
    const [snapshot] = registry.list();
    expect(snapshot).toMatchObject({
      kind: 'local',
      authenticated: true,
      state: 'idle',
      user: { email: 'desk@example.com' },
      expiresAt: 1_000_000 + 30 * 60_000,
    });
    expect(JSON.stringify(snapshot)).not.toContain('desk-secret-key');
    expect(JSON.stringify(snapshot)).not.toContain('hello');
    expect(registry.get(session.id)).toBe(session);
    expect(registry.kick(session.id, 'done')).toBe(true);
    expect(registry.size).toBe(0);
    expect(session.holdsCredentials).toBe(false);
    expect(secrets.size).toBe(0);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['added', 'updated', 'removed']));
    expect(events.at(-1)).toEqual({ type: 'removed', id: session.id, reason: 'kicked' });
    expect(registry.stats()).toMatchObject({ active: 0, peak: 1, sessionsTotal: 1, queries: 1 });
  });

  it('builds a tool host only when asked, once, and releases it after idle tool time', async () => {
    const { registry, clock, built } = setup();
    const session = registry.create({ kind: 'ws', address: '127.0.0.1' });
    session.signIn(identity, { apiKey: 'k-1234', orgId: 'o1' });
    expect(built()).toBe(0);
    await Promise.all([session.tools(), session.tools()]);
    expect(built()).toBe(1);
    clock.advance(registry.toolReleaseMs);
    registry.sweep();
    expect(session.hasTools).toBe(false);
    await session.tools();
    expect(built()).toBe(2);
  });

  it('endWhere ends only the chosen sessions', () => {
    const { registry } = setup();
    registry.create({ kind: 'local', address: 'local' });
    registry.create({ kind: 'web', address: '10.0.0.2' });
    registry.create({ kind: 'ws', address: '10.0.0.3' });
    expect(registry.endWhere((session) => session.kind !== 'local', 'stopped', 'maintenance')).toBe(2);
    expect(registry.list().map((session) => session.kind)).toEqual(['local']);
  });
});

describe('displayArgs', () => {
  it('redacts secret-named keys and registered secrets, and shortens long values', () => {
    const secrets = new SecretRegistry();
    secrets.add('sekrit-value');
    const shown = displayArgs(
      { api_key: 'abc', note: 'contains sekrit-value', long: 'x'.repeat(500), list: Array.from({ length: 30 }, (_, i) => i) },
      secrets,
    );
    expect(shown.api_key).toBe('[redacted]');
    expect(shown.note).toBe('contains [redacted]');
    expect(String(shown.long).length).toBeLessThanOrEqual(160);
    expect(shown.list).toHaveLength(10);
  });
});
