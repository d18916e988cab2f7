import { describe, expect, it } from 'vitest';

import { REDACTED, SecretRegistry } from './redact';
import { SessionScrubber } from './sessionScrubber';

describe('SecretRegistry at scale', () => {
  it('finds every registered secret among thousands (indexed lookup), longest first, and forgets removed ones', () => {
    const registry = new SecretRegistry();
    const secrets = Array.from({ length: 2000 }, (_, i) => `tok-${i.toString(36)}-${(i * 7919).toString(16)}`);
    for (const secret of secrets) registry.add(secret);
    registry.add('tok-1-1f0f-and-more');
    const text = `a ${secrets[5]} b ${secrets[1999]}, c tok-1-1f0f-and-more d ${secrets[5]}`;
    expect(registry.scrubKnown(text)).toBe(`a ${REDACTED} b ${REDACTED}, c ${REDACTED} d ${REDACTED}`);
    registry.remove(secrets[5]);
    expect(registry.scrubKnown(`x ${secrets[5]} y`)).toBe(`x ${secrets[5]} y`);
    expect(registry.scrubKnown('nothing here')).toBe('nothing here');
  });

  it('scrubKnown leaves ordinary text alone; scrub also applies the credential patterns', () => {
    const registry = new SecretRegistry();
    registry.add('sandbox-secret-1');
    expect(registry.scrubKnown('token: 5 and sandbox-secret-1')).toBe(`token: 5 and ${REDACTED}`);
    expect(registry.scrub('token: 5 and sandbox-secret-1')).toBe(`token: ${REDACTED} and ${REDACTED}`);
  });

  it('scrubs a log line in well under a millisecond with 10,000 sessions’ secrets registered', () => {
    const registry = new SecretRegistry();
    for (let i = 0; i < 10_000; i++) registry.add(`secret-${i}-${Math.random().toString(36).slice(2)}`);
    const line = JSON.stringify({
      level: 30,
      session: 'a1b2c3d4-e5f6-4711-8888-999999999999',
      user: 'alice@acme.example',
      msg: 'query answered',
      rounds: 2,
    });
    registry.scrub(line);
    const started = performance.now();
    for (let i = 0; i < 200; i++) registry.scrub(line);
    expect((performance.now() - started) / 200).toBeLessThan(0.25);
  });

  it('scrubStreamed holds a tail that may start a secret, and never cuts a whole one (even one that ends with its own start)', () => {
    const registry = new SecretRegistry();
    registry.add('tok-xyz-tok');
    registry.add('tok-a');
    registry.add('tok-alice');
    const stream = (pieces: string[]): string[] => {
      let held = '';
      return pieces.map((piece) => {
        const out = registry.scrubStreamed(held + piece);
        held = out.held;
        return out.ready;
      });
    };
    expect(stream(['Key: tok-xyz-tok', ' end'])).toEqual([`Key: ${REDACTED}`, ' end']);
    expect(stream(['a tok-xy', 'z-tok b'])).toEqual(['a ', `${REDACTED} b`]);
    // "tok-a" is whole, but may be the start of "tok-alice": held until the next piece decides.
    expect(stream(['x tok-a', 'lice y', ' tok-a', '!'])).toEqual(['x ', `${REDACTED} y`, ' ', `${REDACTED}!`]);
    expect(new SecretRegistry().scrubStreamed('nothing held')).toEqual({ ready: 'nothing held', held: '' });
  });

  it('holds streamed tails in well under a millisecond with 10,000 sessions’ secrets registered (a session streams through its own scrubber)', () => {
    const registry = new SecretRegistry();
    for (let i = 0; i < 10_000; i++) registry.add(`${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`);
    registry.addServerWide('sk-ant-server-wide-key-0123456789');
    const scrubber = new SessionScrubber(registry);
    scrubber.own('tok-own-session-key-0123456789');
    const pieces = ['Here are your open tasks: ', 'the first is due tomorrow, ', 'the second is overdue (se', 'e the reminder).'];
    let held = '';
    const started = performance.now();
    for (let i = 0; i < 2000; i++) held = scrubber.stream(held + pieces[i % 4]!).held;
    // Tens of microseconds when the machine is idle; the bound leaves room for a loaded CI box.
    expect((performance.now() - started) / 2000).toBeLessThan(0.25);
  });
});
