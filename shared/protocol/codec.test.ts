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

  it('lets an extension-less client receive only the original types', () => {
    const all = serverMessageSchema.options.map((option) => option.shape.type.value);
    const allowed = all.filter((type) => mayReceive(type, new Set(), false));
    expect(allowed.sort()).toEqual([...originalServerTypes].sort());
    expect(mayReceive('delta', new Set(['stream']), false)).toBe(true);
    expect(mayReceive('tool_call', new Set(['stream']), false)).toBe(false);
    expect(mayReceive('welcome', new Set(), true)).toBe(true);
  });
});
