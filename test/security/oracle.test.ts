/**
 * Issue 12 §1: nothing a session receives — text, frame split, timing, errors — may depend on a
 * secret that session does not own. The attacker makes the model repeat text of their choosing;
 * the answer ending with the start of another session's key (or the admin token, or the
 * Anthropic key) must reach them exactly as control text of the same length does.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorReply, type MessageReply } from '../fakes/anthropic/replies';
import { nextOf, signIn, TestClient, type Frame } from '../hardening/support/client';
import { seedWithUsers, type SeededUser } from '../hardening/support/users';
import { startStack, type Stack } from '../integration/support/stack';

/** How long the fake model pauses right after the text that ends with the guess, ms. */
const pauseMs = 1500;

/** One frame as the attacker saw it, with when it arrived. */
interface Seen {
  type: string;
  text?: string;
  at: number;
}

/** The attacker's view of one answer, reduced to what must not depend on the guessed secret. */
interface Signature {
  /** Types, and for deltas the text length, in order. */
  frames: string[];
  /** For each frame: did it arrive after the model's long pause? (timing) */
  afterPause: boolean[];
  /** Everything the deltas said, and the final answer. */
  streamed: string;
  response: string;
}

/** Two text blocks: `filler + tail`, then (after a long pause) more text; the first ends exactly where a held tail would be. */
function repeatReply(tail: string): MessageReply {
  const first = `${'The quick brown fox jumps over the lazy dog. '.repeat(14)}${tail}`;
  const second = ` …and that is all I was asked to repeat. ${'Lorem ipsum dolor sit amet. '.repeat(8)}`;
  // Events: 0 message_start, 1 block start, 2 ping, 3–5 the first block's deltas, then the pause.
  return {
    kind: 'message',
    content: [
      { type: 'text', text: first },
      { type: 'text', text: second },
    ],
    pause: { afterEvent: 5, ms: pauseMs },
  };
}

function signature(seen: Seen[]): Signature {
  // The pause is the longest silence between two frames; frames after it arrived after the pause.
  let gapAt = 0;
  let longest = -1;
  for (let i = 1; i < seen.length; i++) {
    const gap = seen[i]!.at - seen[i - 1]!.at;
    if (gap > longest) {
      longest = gap;
      gapAt = i;
    }
  }
  return {
    frames: seen.map((frame) => (frame.type === 'delta' ? `delta:${frame.text?.length}` : frame.type)),
    afterPause: seen.map((_frame, i) => i >= gapAt),
    streamed: seen
      .filter((frame) => frame.type === 'delta')
      .map((frame) => frame.text)
      .join(''),
    response: seen.find((frame) => frame.type === 'response')?.text ?? '',
  };
}

describe('security: the stream oracle (issue 12 §1)', () => {
  let stack: Stack;
  let bob: SeededUser;
  let mallory: SeededUser;
  const clients: TestClient[] = [];
  const adminToken = 'admin-token-for-the-oracle-test-0123456789';

  beforeAll(async () => {
    const seeded = seedWithUsers(1);
    [bob, mallory] = seeded.users as [SeededUser, SeededUser];
    // Mallory's org holds tasks whose titles carry Bob's key, control text and the admin token (direct-mode results echo them).
    const org = seeded.seed.orgs.find((candidate) => candidate.id === mallory.orgId)!;
    const own = org.tasks!.find((task) => task.title.includes(mallory.marker))!;
    const titles = [bob.token, '#'.repeat(bob.token.length), adminToken];
    titles.forEach((text, i) => org.tasks!.push({ ...own, id: `${own.id.slice(0, -1)}${i + 1}`, title: `Echo${i} ${text}` }));
    stack = await startStack({ seed: seeded.seed, flags: ['--admin-token', adminToken] });
    // Bob is signed in, so his key is a live secret of the gateway.
    clients.push((await signIn(stack.url, bob.token, bob.orgId)).client);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await stack?.close();
  });

  /** Mallory asks the model to repeat text ending with `tail`; returns what her socket received, timed. */
  async function attack(attacker: TestClient, tail: string): Promise<Signature> {
    stack.fake.script(repeatReply(tail));
    const from = attacker.frames.length;
    const seen: Seen[] = [];
    const record = (data: Buffer): void => {
      const frame = JSON.parse(data.toString()) as Frame;
      seen.push({
        type: frame.type,
        ...(typeof frame.text === 'string' ? { text: frame.text } : {}),
        ...(typeof frame.content === 'string' ? { text: frame.content } : {}),
        at: performance.now(),
      });
    };
    attacker.ws.on('message', record);
    attacker.send({ type: 'query', content: 'Repeat exactly what I wrote.' });
    await nextOf(attacker, ['response', 'error'], 20_000);
    attacker.ws.off('message', record);
    expect(attacker.frames.slice(from).map((frame) => frame.type)).toContain('response');
    return signature(seen);
  }

  it('text ending with the start of another session key, the admin token or the Anthropic key streams exactly like control text', async () => {
    const attacker = await TestClient.open(stack.url);
    clients.push(attacker);
    await attacker.request({ type: 'auth', api_key: mallory.token, org_id: mallory.orgId, extensions: ['stream'] }, 'auth_success');
    const guesses = {
      "another session's key": bob.token,
      'the admin token': adminToken,
      'the Anthropic key': stack.anthropicKey,
    };
    for (const [what, secret] of Object.entries(guesses)) {
      // The longest proper prefix: the tail the old code held back.
      const prefix = secret.slice(0, -1);
      const control = '#'.repeat(prefix.length);
      const guessed = await attack(attacker, prefix);
      const baseline = await attack(attacker, control);
      const swap = (text: string): string => text.split(prefix).join(control);
      expect({ what, ...guessed, streamed: swap(guessed.streamed), response: swap(guessed.response) }).toEqual({ what, ...baseline });
      // Nothing was withheld or replaced: the deltas said the whole answer, the guess included.
      expect(guessed.streamed).toContain(prefix);
      expect(guessed.streamed).toBe(guessed.response);
      // The pause really split the answer (some frames before it, some after), so timing was compared.
      expect(baseline.afterPause).toContain(true);
      expect(baseline.afterPause).toContain(false);
    }
  }, 60_000);

  it('tool_call args, direct-mode tool results, errors and the resume transcript treat another session key as plain text and scrub server-wide secrets', async () => {
    const attacker = await TestClient.open(stack.url);
    clients.push(attacker);
    const auth = await attacker.request(
      { type: 'auth', api_key: mallory.token, org_id: mallory.orgId, extensions: ['stream', 'tools', 'resume'] },
      'auth_success',
    );
    const control = '#'.repeat(bob.token.length);
    // tool_call args (direct mode echoes the arguments): Bob's key passes as it does for control text; the admin token never.
    for (const query of [bob.token, control, adminToken]) {
      attacker.send({ type: 'query', content: `/tool search_for_tasks {"query": "${query}"}` });
      const call = await nextOf(attacker, ['tool_call']);
      await nextOf(attacker, ['response', 'error'], 15_000);
      expect((call.args as { query: string }).query).toBe(query === adminToken ? '[redacted]' : query);
    }
    // An error whose message carries the text: the same for Bob's key and control text; the Anthropic key scrubbed.
    const errors: string[] = [];
    for (const text of [bob.token, control, stack.anthropicKey]) {
      stack.fake.script(errorReply(400, { message: `bad request near ${text}` }));
      attacker.send({ type: 'query', content: 'hi' });
      errors.push(String((await nextOf(attacker, ['error'], 15_000)).message));
    }
    expect(errors[0]!.split(bob.token).join(control)).toBe(errors[1]);
    expect(errors[2]).not.toContain(stack.anthropicKey);
    expect(errors[2]).toContain('[redacted]');
    // Direct-mode tool results: Bob's key is data of Mallory's own org, shown like control text; the admin token is scrubbed.
    attacker.send({ type: 'query', content: '/tool get_my_tasks {}' });
    const listed = String((await nextOf(attacker, ['response'], 15_000)).content);
    expect(listed).toContain(`Echo0 ${bob.token}`);
    expect(listed).toContain(`Echo1 ${control}`);
    expect(listed).toContain('Echo2 [redacted]');
    expect(listed).not.toContain(adminToken);
    // The transcript replayed on resume says the same.
    attacker.close();
    await attacker.waitClose();
    const back = await TestClient.open(stack.url);
    clients.push(back);
    const resumed = await back.request(
      { type: 'resume', session_id: auth.session_id, resume_token: auth.resume_token, extensions: ['stream', 'tools', 'resume'] },
      'resumed',
    );
    const transcript = JSON.stringify(resumed.transcript);
    expect(transcript).toContain(bob.token);
    expect(transcript).not.toContain(adminToken);
    expect(transcript).not.toContain(stack.anthropicKey);
  }, 60_000);

  it('an MCP HTTP caller (another local user) gets results scrubbed of its own token and the server-wide secrets only', async () => {
    const mcp = new Client({ name: 'oracle-test', version: '0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(stack.addresses.mcpUrl!), {
        requestInit: { headers: { authorization: `Bearer ${mallory.token}`, 'x-tallyfy-org-id': mallory.orgId } },
      }),
    );
    try {
      const result = JSON.stringify(await mcp.callTool({ name: 'get_my_tasks', arguments: {} }));
      expect(result).toContain(`Echo0 ${bob.token}`);
      expect(result).toContain(`Echo1 ${'#'.repeat(bob.token.length)}`);
      expect(result).toContain('Echo2 [redacted]');
      expect(result).not.toContain(adminToken);
    } finally {
      await mcp.close();
    }
  }, 30_000);
});
