import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startStack, type Stack } from '../integration/support/stack';

import { ask, signIn, type TestClient } from './support/client';

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the server must do with a frame. */
type Expect = 'error' | 'pong' | 'close';
interface FuzzFrame {
  data: string | Buffer;
  binary: boolean;
  expect: Expect;
  /** For `close`: the close code. */
  code?: number;
}

function makeFrame(random: () => number): FuzzFrame {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const text = (length: number): string => Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 0x2fff))).join('');
  const kind = Math.floor(random() * 16);
  switch (kind) {
    case 0:
      return { data: Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256))), binary: true, expect: 'error' };
    case 1:
      return { data: text(1 + Math.floor(random() * 80)), binary: false, expect: 'error' };
    case 2: {
      const json = JSON.stringify({ type: 'query', content: text(20) });
      return { data: json.slice(0, Math.floor(random() * (json.length - 1))), binary: false, expect: 'error' };
    }
    case 3:
      return { data: pick(['1', '[]', 'null', '"query"', 'true', '[{"type":"query"}]', '{}', '']), binary: false, expect: 'error' };
    case 4:
      return { data: JSON.stringify({ type: pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'QUERY', 'admin', 'kick', '', ' query']) }), binary: false, expect: 'error' };
    case 5:
      return { data: JSON.stringify({ type: pick([1, null, true, {}, [], ['query']]) }), binary: false, expect: 'error' };
    case 6:
      return { data: JSON.stringify({ type: 'query', content: pick([1, null, {}, [], true, undefined]) }), binary: false, expect: 'error' };
    case 7:
      return { data: `{"__proto__":{"type":"query","content":"x"},"constructor":{"prototype":{"polluted":true}}}`, binary: false, expect: 'error' };
    case 8:
      return { data: `${'['.repeat(5000)}${']'.repeat(5000)}`, binary: false, expect: 'error' };
    case 9:
      // Valid queries, approvals and cancels before sign-in: refused with NOT_AUTHENTICATED.
      return { data: JSON.stringify(pick([{ type: 'query', content: text(10) }, { type: 'approval', request_id: 'x', approved: true }, { type: 'cancel' }])), binary: false, expect: 'error' };
    case 10:
      return { data: JSON.stringify({ type: 'ping' }), binary: false, expect: 'pong' };
    case 11:
      return { data: JSON.stringify({ type: 'auth', api_key: pick([1, null, '', {}]), org_id: pick([2, null, [], '']) }), binary: false, expect: 'error' };
    case 12:
      // Invalid UTF-8 in a text frame: the WebSocket layer closes with 1007.
      return { data: Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]), binary: false, expect: 'close', code: 1007 };
    case 13:
      // Bigger than the 64 KiB frame limit: closed with 1009.
      return { data: JSON.stringify({ type: 'query', content: 'x'.repeat(70 * 1024) }), binary: false, expect: 'close', code: 1009 };
    case 14:
      return { data: JSON.stringify({ type: 'query', content: text(10), extra: { nested: [1, { deeper: text(5) }] }, query_id: pick([1, {}, 'a'.repeat(5000)]) }), binary: false, expect: 'error' };
    default:
      return { data: `{"type":"query","content":"${text(10)}"`.repeat(1 + Math.floor(random() * 3)), binary: false, expect: 'error' };
  }
}

interface LaneResult {
  frames: number;
  errors: number;
  pongs: number;
  closes: Record<number, number>;
  codes: Set<string>;
  surprises: string[];
}

/** Sends `count` frames over successive connections of at most `perConnection` frames (under the rate limit), checking each answer. */
async function runLane(url: string, random: () => number, count: number, perConnection: number): Promise<LaneResult> {
  const result: LaneResult = { frames: 0, errors: 0, pongs: 0, closes: {}, codes: new Set(), surprises: [] };
  while (result.frames < count) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const inbox: Array<{ type: string; code?: string }> = [];
    let notify: (() => void) | undefined;
    let closed: number | undefined;
    // Read through a function: the close handler sets it, which the compiler's narrowing cannot see.
    const closeCode = (): number | undefined => closed;
    ws.on('message', (data) => {
      inbox.push(JSON.parse(String(data)) as { type: string; code?: string });
      notify?.();
    });
    ws.on('close', (code) => {
      closed = code;
      notify?.();
    });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const wait = async (ready: () => boolean): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!ready()) {
        if (Date.now() > deadline) throw new Error(`no answer; inbox ${JSON.stringify(inbox)}`);
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 50);
        });
      }
    };
    await wait(() => inbox.some((frame) => frame.type === 'connection_established'));
    inbox.length = 0;
    for (let i = 0; i < perConnection && result.frames < count && closed === undefined; i++) {
      const frame = makeFrame(random);
      result.frames++;
      ws.send(frame.data, { binary: frame.binary });
      if (frame.expect === 'close') {
        await wait(() => closeCode() !== undefined);
        const code = closeCode() ?? 0;
        result.closes[code] = (result.closes[code] ?? 0) + 1;
        if (code !== frame.code) result.surprises.push(`expected close ${frame.code}, got ${code}`);
        break;
      }
      await wait(() => inbox.length > 0 || closed !== undefined);
      const answer = inbox.shift();
      if (!answer) {
        result.surprises.push(`closed ${closed} instead of answering ${String(frame.data).slice(0, 60)}`);
        break;
      }
      if (answer.type === 'error' && typeof answer.code === 'string') {
        result.errors++;
        result.codes.add(answer.code);
        if (frame.expect !== 'error') result.surprises.push(`error ${answer.code} for ${String(frame.data).slice(0, 60)}`);
      } else if (answer.type === 'pong') {
        result.pongs++;
        if (frame.expect !== 'pong') result.surprises.push(`pong for ${String(frame.data).slice(0, 60)}`);
      } else result.surprises.push(`unexpected ${JSON.stringify(answer).slice(0, 100)} for ${String(frame.data).slice(0, 60)}`);
    }
    ws.terminate();
  }
  return result;
}

describe('fuzz: 10,000 random and malformed frames over 20 connections', () => {
  let stack: Stack;
  let honest: TestClient;
  let reference: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ client: honest } = await signIn(stack.url, sandboxTokens.alice, sandboxOrgs.acme));
    const first = await ask(honest, 'What tasks do I have open?');
    expect(first.type).toBe('response');
    reference = String(first.content);
  });
  afterAll(async () => {
    honest?.close();
    await stack?.close();
  });

  it('answers every bad frame with a coded error (or the right close), stays up, and the honest session is unaffected', async () => {
    const lanes = 19;
    const perLane = 500;
    const honestAnswers: string[] = [];
    let fuzzing = true;
    const honestLoop = (async () => {
      while (fuzzing) {
        // Paced under the per-session message rate (5/s): the honest user is not the one flooding.
        await new Promise((resolve) => setTimeout(resolve, 250));
        const reply = await ask(honest, 'What tasks do I have open?');
        honestAnswers.push(reply.type === 'response' ? String(reply.content) : JSON.stringify(reply));
      }
    })();

    // Lane 20: one connection flooding 500 frames at once: rate-limited, then closed for policy.
    const flood = (async () => {
      const ws = new WebSocket(stack.url, { perMessageDeflate: false });
      const frames: Array<{ type: string; code?: string }> = [];
      ws.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string; code?: string }));
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      for (let i = 0; i < 500; i++) ws.send(JSON.stringify({ type: 'ping' }));
      return { code: await closed, frames };
    })();

    const results = await Promise.all(Array.from({ length: lanes }, (_, lane) => runLane(stack.url, prng(1000 + lane), perLane, 25)));
    const flooded = await flood;
    fuzzing = false;
    await honestLoop;

    const total = results.reduce((sum, lane) => sum + lane.frames, 0) + 500;
    expect(total).toBe(10_000);
    const surprises = results.flatMap((lane) => lane.surprises);
    expect(surprises).toEqual([]);
    const codes = new Set(results.flatMap((lane) => [...lane.codes]));
    for (const code of ['BAD_JSON', 'BAD_MESSAGE', 'UNKNOWN_TYPE', 'NOT_AUTHENTICATED', 'BINARY_NOT_SUPPORTED']) expect(codes).toContain(code);
    const closes = results.reduce<Record<number, number>>((all, lane) => {
      for (const [code, count] of Object.entries(lane.closes)) all[Number(code)] = (all[Number(code)] ?? 0) + count;
      return all;
    }, {});
    expect(closes[1009]).toBeGreaterThan(0);
    expect(closes[1007]).toBeGreaterThan(0);

    // The flooding connection was told to slow down, then closed for policy (1008).
    expect(flooded.frames.some((frame) => frame.code === 'RATE_LIMITED')).toBe(true);
    expect(flooded.code).toBe(1008);

    // The honest session kept getting the same answer throughout, and still does.
    expect(honestAnswers.length).toBeGreaterThan(0);
    for (const answer of honestAnswers) expect(answer).toBe(reference);
    const after = await ask(honest, 'What tasks do I have open?');
    expect(after.type).toBe('response');
    const health = await fetch(`${stack.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    // Only the honest session is left: no fuzz connection leaked a session.
    await expect.poll(() => stack.core.sessions.size, { timeout: 5000 }).toBe(1);
  }, 60_000);
});
