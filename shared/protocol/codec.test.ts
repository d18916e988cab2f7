import { describe, expect, it } from 'vitest';

import { decodeClientFrame, decodeServerFrame, encodeFrame, mayReceive } from './codec';
import { originalServerTypes, serverMessageSchema } from './serverMessages';

describe('decodeClientFrame', () => {
  it('parses the original messages', () => {
    expect(decodeClientFrame('{"type":"auth","api_key":"k","org_id":"o"}')).toEqual({
      ok: true,
      message: { type: 'auth', api_key: 'k', org_id: 'o' },
    });
    expect(decodeClientFrame('{"type":"query","content":"hi"}')).toMatchObject({ ok: true, message: { type: 'query', content: 'hi' } });
    expect(decodeClientFrame('{"type":"ping"}')).toEqual({ ok: true, message: { type: 'ping' } });
  });

  it('tidies pasted credentials: trims both, lowercases the org id, and still refuses blanks', () => {
    expect(decodeClientFrame('{"type":"auth","api_key":" key\\n","org_id":" A0B1 "}')).toEqual({
      ok: true,
      message: { type: 'auth', api_key: 'key', org_id: 'a0b1' },
    });
    expect(decodeClientFrame('{"type":"auth","api_key":"   ","org_id":"o"}')).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
  });

  it('gives stable codes for bad frames', () => {
    expect(decodeClientFrame('{nope')).toMatchObject({ ok: false, code: 'BAD_JSON' });
    expect(decodeClientFrame('[1,2]')).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(decodeClientFrame('null')).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(decodeClientFrame('{"content":"x"}')).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(decodeClientFrame('{"type":"explode"}')).toMatchObject({ ok: false, code: 'UNKNOWN_TYPE' });
    const missing = decodeClientFrame('{"type":"auth","api_key":"k"}');
    expect(missing).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(!missing.ok && missing.message).toContain('org_id');
    expect(decodeClientFrame('{"type":"query","content":""}')).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(decodeClientFrame(JSON.stringify({ type: 'query', content: 'x'.repeat(16_001) }))).toMatchObject({
      ok: false,
      code: 'BAD_MESSAGE',
    });
    expect(decodeClientFrame('{"type":"approval","request_id":"r","approved":"yes"}')).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
  });

  it('accepts an approval with or without `always` (older clients send none), and refuses a non-boolean one', () => {
    expect(decodeClientFrame('{"type":"approval","request_id":"r","approved":true}')).toEqual({
      ok: true,
      message: { type: 'approval', request_id: 'r', approved: true },
    });
    expect(decodeClientFrame('{"type":"approval","request_id":"r","approved":true,"always":true}')).toEqual({
      ok: true,
      message: { type: 'approval', request_id: 'r', approved: true, always: true },
    });
    expect(decodeClientFrame('{"type":"approval","request_id":"r","approved":true,"always":"yes"}')).toMatchObject({
      ok: false,
      code: 'BAD_MESSAGE',
    });
  });

  it('keeps known extensions and drops unknown names', () => {
    const decoded = decodeClientFrame('{"type":"hello","extensions":["stream","teleport","tools","stream"]}');
    expect(decoded).toEqual({ ok: true, message: { type: 'hello', extensions: ['stream', 'tools'] } });
  });

  it('never throws on random input', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['{', '}', '"type"', ':', '"query"', '"auth"', ',', '"content"', '1', 'null', '[', ']', '"\\u0000"', 'true'];
    for (let i = 0; i < 2000; i += 1) {
      let text = '';
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j += 1) text += pieces[Math.floor(random() * pieces.length)];
      const decoded = decodeClientFrame(text);
      expect(typeof decoded.ok).toBe('boolean');
    }
  });
});

describe('server messages', () => {
  it('round-trip through encode and decode', () => {
    const message = { type: 'error', message: 'busy', code: 'BUSY' } as const;
    expect(decodeServerFrame(encodeFrame(message))).toEqual({ ok: true, message });
    expect(decodeServerFrame('{"type":"mystery"}')).toMatchObject({ ok: false, code: 'UNKNOWN_TYPE' });
  });

  it('decodes the additive fields (awaiting chip, always-allow, retry notice) and messages without them', () => {
    const pending = { type: 'tool_call', query_id: 'q', call_id: 'c', tool: 'create_tag', args: {}, status: 'awaiting_approval' } as const;
    expect(decodeServerFrame(encodeFrame(pending))).toEqual({ ok: true, message: pending });
    expect(decodeServerFrame(encodeFrame({ ...pending, status: 'exploded' }))).toMatchObject({ ok: false });
    const resolved = { type: 'approval_resolved', request_id: 'r', approved: true, reason: 'answered', call_id: 'c', always: true } as const;
    expect(decodeServerFrame(encodeFrame(resolved))).toEqual({ ok: true, message: resolved });
    const retry = { type: 'info', code: 'retrying', message: 'Claude is busy, retrying in 2 s…', query_id: 'q', retry_in_ms: 1500 } as const;
    expect(decodeServerFrame(encodeFrame(retry))).toEqual({ ok: true, message: retry });
    expect(decodeServerFrame('{"type":"auth_error","code":"GATEWAY_STOPPED","message":"stopped"}')).toMatchObject({ ok: true });
    expect(decodeServerFrame('{"type":"approval_resolved","request_id":"r","approved":false,"reason":"timeout"}')).toMatchObject({ ok: true });
  });

  it('lets an extension-less client receive only the original types', () => {
    const all = serverMessageSchema.options.map((option) => option.shape.type.value);
    const allowed = all.filter((type) => mayReceive(type, new Set(), false));
    expect(allowed.sort()).toEqual([...originalServerTypes].sort());
    expect(mayReceive('delta', new Set(['stream']), false)).toBe(true);
    expect(mayReceive('tool_call', new Set(['stream']), false)).toBe(false);
    expect(mayReceive('welcome', new Set(), true)).toBe(true);
  });
});
