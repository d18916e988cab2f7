import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createLogger, LogRing, prettyLine } from './logger';
import { redact, SecretRegistry } from './redact';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

describe('the redacting logger', () => {
  it('never writes a registered secret, a secret-named field or a bearer token', () => {
    const secrets = new SecretRegistry();
    secrets.add('sandbox-alice');
    const out = capture();
    const ring = new LogRing();
    const logger = createLogger({ secrets, destination: out.stream, ring });
    logger.info({ api_key: 'k-123456', headers: { Authorization: 'Bearer abcdef123456' }, note: 'token sandbox-alice used' }, 'signed in with sandbox-alice');
    logger.warn('upstream said: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig');
    logger.error({ err: new Error('failed for sk-ant-api03-secretvalue') }, 'boom');
    const written = out.text() + JSON.stringify(ring.list());
    for (const secret of ['sandbox-alice', 'k-123456', 'abcdef123456', 'eyJhbGciOiJIUzI1NiJ9', 'sk-ant-api03-secretvalue']) {
      expect(written).not.toContain(secret);
    }
    expect(ring.list()).toHaveLength(3);
    expect(ring.list()[0]!.msg).toBe('signed in with [redacted]');
  });

  it('forgets a secret only when every holder released it', () => {
    const secrets = new SecretRegistry();
    secrets.add('shared-token');
    secrets.add('shared-token');
    secrets.remove('shared-token');
    expect(secrets.scrub('x shared-token y')).toBe('x [redacted] y');
    secrets.remove('shared-token');
    expect(secrets.scrub('x shared-token y')).toBe('x shared-token y');
  });

  it('redacts nested and cyclic objects without throwing', () => {
    const value: Record<string, unknown> = { deep: { password: 'hunter22', list: [{ token: 't-999999' }] } };
    value.self = value;
    const result = JSON.stringify(redact(value));
    expect(result).not.toContain('hunter22');
    expect(result).not.toContain('t-999999');
  });

  it('keeps the last N entries in the ring and notifies subscribers', () => {
    const ring = new LogRing(2);
    const seen: string[] = [];
    ring.subscribe((entry) => seen.push(entry.msg));
    for (const msg of ['a', 'b', 'c']) ring.push({ time: 0, level: 'info', msg, data: {} });
    expect(ring.list().map((entry) => entry.msg)).toEqual(['b', 'c']);
    expect(ring.list(2).map((entry) => entry.msg)).toEqual(['c']);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('writes short human lines in pretty mode', () => {
    const out = capture();
    createLogger({ secrets: new SecretRegistry(), destination: out.stream, pretty: true }).info({ port: 9001 }, 'listening');
    expect(out.text()).toMatch(/^\d\d:\d\d:\d\d INFO {2}listening {2}port=9001\n$/);
    expect(prettyLine({ time: 0, level: 'warn', msg: 'm', data: {} })).toBe('00:00:00 WARN  m\n');
  });
});
