import { describe, expect, it } from 'vitest';

import { REDACTED, SecretRegistry } from './redact';
import { serverSecretHoldBack, SessionScrubber } from './sessionScrubber';

/** Streams `pieces` through `scrubber`: what each piece released, and the flush at the end. */
function stream(scrubber: SessionScrubber, pieces: string[]): { sent: string[]; flushed: string } {
  let held = '';
  const sent = pieces.map((piece) => {
    const cut = scrubber.stream(held + piece);
    held = cut.held;
    return cut.ready;
  });
  return { sent, flushed: scrubber.flush(held) };
}

describe('SessionScrubber', () => {
  const filler = 'x'.repeat(serverSecretHoldBack);

  it('holds back a constant tail, whatever secrets other sessions or the server hold', () => {
    const all = new SecretRegistry();
    const alone = new SessionScrubber(all);
    const bobKey = 'tok-bob-0123456789';
    all.add(bobKey); // another session's key, in the shared (log) registry only
    all.addServerWide('admin-token-0123456789abcdef');
    const guess = `${filler}tok-bob-01234`;
    const control = `${filler}#############`;
    expect(alone.stream(guess).held.length).toBe(serverSecretHoldBack);
    expect(alone.stream(control).held.length).toBe(serverSecretHoldBack);
    expect(alone.stream(`${filler}admin-token-012`).held.length).toBe(serverSecretHoldBack);
    // A whole key of another session is just text here (its logs still scrub it).
    expect(alone.text(`key ${bobKey}`)).toBe(`key ${bobKey}`);
    expect(all.scrub(`key ${bobKey}`)).toBe(`key ${REDACTED}`);
  });

  it('scrubs its own secrets with the content-aware hold-back, and server-wide ones split across deltas', () => {
    const all = new SecretRegistry();
    all.addServerWide('sk-ant-server-0123456789');
    const scrubber = new SessionScrubber(all);
    scrubber.own('tok-alice-secret');
    const { sent, flushed } = stream(scrubber, [`${filler}my key tok-al`, 'ice-secret and sk-ant-ser', 'ver-0123456789 done', filler]);
    expect(sent.join('') + flushed).toBe(`${filler}my key ${REDACTED} and ${REDACTED} done${filler}`);
    expect(sent.every((part) => !part.includes('tok-al') && !part.includes('sk-ant-ser'))).toBe(true);
    expect(scrubber.message('Bearer abc.def tok-alice-secret')).toBe(`Bearer ${REDACTED} ${REDACTED}`);
    scrubber.disown('tok-alice-secret');
    expect(scrubber.text('tok-alice-secret')).toBe('tok-alice-secret');
    expect(all.scrub('tok-alice-secret')).toBe('tok-alice-secret');
  });

  it('holds an own secret longer than the constant by its content (a long token is still never sent in pieces)', () => {
    const scrubber = new SessionScrubber(new SecretRegistry(), 4);
    const jwt = `eyJ${'a'.repeat(40)}`;
    scrubber.own(jwt);
    const { sent, flushed } = stream(scrubber, [`token ${jwt.slice(0, 20)}`, jwt.slice(20), ' ok']);
    expect(sent[0]).toBe('token ');
    expect(sent.join('') + flushed).toBe(`token ${REDACTED} ok`);
  });

  it('never cuts through a whole secret', () => {
    const all = new SecretRegistry();
    const scrubber = new SessionScrubber(all, 4);
    scrubber.own('tok-xyz-tok');
    const { sent, flushed } = stream(scrubber, ['Key: tok-xyz-tok', ' end']);
    expect(sent.join('') + flushed).toBe(`Key: ${REDACTED} end`);
    expect(sent.every((part) => !part.includes('tok'))).toBe(true);
  });
});
