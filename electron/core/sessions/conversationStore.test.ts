import { afterEach, describe, expect, it } from 'vitest';

import { connectRedis, type RedisConnection } from '../cluster/redisConnection';
import { redisConversationStore } from '../cluster/redisConversationStore';
import { haveRedisServer, startRedisServer, type RedisServer } from '../cluster/testing/redisServer';
import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';

import { FakeClock } from './clock';
import {
  parseStoredConversation,
  planListWrite,
  resumeTokenHash,
  resumeTokenMatches,
  type ConversationStore,
  type ConversationWrite,
} from './conversationStore';
import { AuthFailure, type Authenticator, type Identity, type QueryEngine } from './engine';
import { SessionRegistry } from './registry';

const encode = (value: unknown): string => JSON.stringify(value);

describe('planListWrite', () => {
  const a = { n: 'a' };
  const b = { n: 'b' };
  const c = { n: 'c' };
  const d = { n: 'd' };

  it('appends only what a turn added', () => {
    expect(planListWrite([a, b], [a, b, c, d], encode)).toEqual({ dropFront: 0, set: [], append: [encode(c), encode(d)] });
  });

  it('drops from the front after a trim and appends the rest', () => {
    expect(planListWrite([a, b, c], [c, d], encode)).toEqual({ dropFront: 2, set: [], append: [encode(d)] });
  });

  it('replaces a merged last turn by index', () => {
    const merged = { n: 'b+' };
    expect(planListWrite([a, b], [a, merged, c], encode)).toEqual({ dropFront: 0, set: [[1, encode(merged)]], append: [encode(c)] });
  });

  it('rewrites when nothing lines up (a rollback, a clear, an unknown store)', () => {
    expect(planListWrite([a, b, c], [a], encode)).toEqual({ rewrite: [encode(a)] });
    expect(planListWrite([a, b], [], encode)).toEqual({ rewrite: [] });
    expect(planListWrite([], [a, b], encode)).toEqual({ rewrite: [encode(a), encode(b)] });
    expect(planListWrite([a, b], [c, d], encode)).toEqual({ rewrite: [encode(c), encode(d)] });
  });
});

describe('stored conversations', () => {
  const meta = {
    v: 1,
    identity: { user: { id: 'u1', name: 'Bob', email: 'bob@example.com' }, org: { id: 'o1' } },
    kind: 'web',
    connectedAt: 1,
    tokenHash: resumeTokenHash('tok'),
  };

  it('checks a resume token against its hash in constant time, never the clear token', () => {
    expect(resumeTokenHash('tok')).toMatch(/^[0-9a-f]{64}$/);
    expect(resumeTokenHash('tok')).not.toContain('tok');
    expect(resumeTokenMatches('tok', resumeTokenHash('tok'))).toBe(true);
    expect(resumeTokenMatches('tok2', resumeTokenHash('tok'))).toBe(false);
    expect(resumeTokenMatches('tok', 'not-hex')).toBe(false);
  });

  it('refuses an unusable description, skips unreadable transcript entries, and drops a history with a hole', () => {
    expect(parseStoredConversation({ owner: 'a', meta: '{', history: [], transcript: [] })).toBeUndefined();
    expect(parseStoredConversation({ owner: 'a', meta: encode({ ...meta, tokenHash: 'x' }), history: [], transcript: [] })).toBeUndefined();
    const parsed = parseStoredConversation({
      owner: 'a',
      meta: encode(meta),
      history: [encode({ role: 'user', content: 'hi' }), '{broken'],
      transcript: [encode({ role: 'user', content: 'hi', at: 5 }), encode({ role: 'robot' }), 'nope'],
    });
    expect(parsed?.meta.identity.user.id).toBe('u1');
    expect(parsed?.history).toEqual([]);
    expect(parsed?.transcript).toEqual([{ role: 'user', content: 'hi', at: 5 }]);
  });
});

const alice: Identity = { user: { id: 'u-alice', name: 'Alice', email: 'alice@example.com' }, org: { id: 'org1', name: 'Acme' } };
const mallory: Identity = { user: { id: 'u-mallory', name: 'Mallory', email: 'mallory@example.com' }, org: { id: 'org1', name: 'Acme' } };
const keys: Record<string, Identity> = { 'alice-secret-key': alice, 'mallory-secret-key': mallory };
const authenticate: Authenticator = async (credentials) => {
  const identity = keys[credentials.apiKey];
  if (!identity || identity.org.id !== credentials.orgId) throw new AuthFailure('INVALID_CREDENTIALS', 'no');
  return identity;
};

/** An engine whose history is what the model would receive: message objects, appended per turn. */
function historyEngine(received: string[][]): QueryEngine {
  return {
    open: () => {
      const messages: Array<{ role: 'user' | 'assistant'; content: string }> = [];
      return {
        async run(input) {
          messages.push({ role: 'user', content: input.query });
          received.push(messages.map((message) => message.content));
          const text = `answer to ${input.query}`;
          messages.push({ role: 'assistant', content: text });
          return { text };
        },
        clear: () => void messages.splice(0),
        history: () => messages,
        restore(stored) {
          if (!stored.every((item) => typeof item === 'object' && item !== null && 'role' in item && 'content' in item)) return false;
          messages.splice(0, messages.length, ...(stored as typeof messages));
          return true;
        },
      };
    },
  };
}

describe.skipIf(!haveRedisServer && !process.env.CI)('sessions kept in Redis (Debian redis-server on a free port)', () => {
  let server: RedisServer | undefined;
  let connection: RedisConnection | undefined;
  afterEach(async () => {
    await connection?.close();
    await server?.stop();
    connection = undefined;
    server = undefined;
  });

  async function cluster() {
    server = await startRedisServer();
    connection = connectRedis({ url: server.url, nodeId: 'test', maxReconnectDelayMs: 100 });
    const deadline = Date.now() + 10_000;
    while (connection.status() !== 'ready' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const redis = redisConversationStore(connection);
    const writes: ConversationWrite[] = [];
    const store: ConversationStore = {
      ...redis,
      write: (id, change, ttl) => {
        writes.push(change);
        return redis.write(id, change, ttl);
      },
    };
    const received: string[][] = [];
    const node = (name: string) => {
      const secrets = new SecretRegistry();
      return new SessionRegistry({
        secrets,
        clock: new FakeClock(1_000_000),
        logger: createLogger({ secrets, destination: null }),
        engine: historyEngine(received),
        toolHostFactory: async () => ({
          listTools: async () => [],
          callTool: async () => ({ text: '', isError: false }),
          close: async () => undefined,
        }),
        idleTimeoutMinutes: 30,
        conversations: { store, node: name },
      });
    };
    return { a: node('node-a'), b: node('node-b'), writes, received, client: connection.client };
  }

  async function signedIn(registry: SessionRegistry) {
    const session = registry.create({ kind: 'web', address: '10.0.0.9' });
    session.attach();
    session.describeConnection({ extensions: ['resume'], resumable: true, client: 'web' });
    session.signIn(alice, { apiKey: 'alice-secret-key', orgId: 'org1' });
    const token = session.issueResumeToken();
    return { session, token };
  }

  it('keeps the conversation with the idle timeout as expiry, appends per turn, and never stores a secret', async () => {
    const { a, writes, client } = await cluster();
    const { session, token } = await signedIn(a);
    await session.ask('first question', 'q1');
    await session.storeFlushed();
    await session.ask('second question', 'q2');
    await session.storeFlushed();
    // The second turn appended two history entries and two transcript entries: no rewrite.
    expect(writes.at(-1)?.history).toEqual({
      dropFront: 0,
      set: [],
      append: [expect.stringContaining('second question'), expect.stringContaining('answer to second')],
    });
    expect(writes.at(-1)?.transcript).toMatchObject({ dropFront: 0, append: [expect.any(String), expect.any(String)] });
    // A key pasted into a question is scrubbed before it is stored.
    await session.ask('is alice-secret-key the right key?', 'q3');
    await session.storeFlushed();
    const stored = await client.keys('tallyfy-gw:conv:*');
    expect(stored.sort()).toEqual([
      `tallyfy-gw:conv:{${session.id}}:history`,
      `tallyfy-gw:conv:{${session.id}}:meta`,
      `tallyfy-gw:conv:{${session.id}}:transcript`,
    ]);
    const ttl = await client.pttl(`tallyfy-gw:conv:{${session.id}}:history`);
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);
    let everything = '';
    for (const key of stored)
      everything += JSON.stringify(key.endsWith(':meta') ? await client.hgetall(key) : await client.lrange(key, 0, -1));
    expect(everything).toContain('first question');
    expect(everything).toContain(resumeTokenHash(token));
    expect(everything).not.toContain('alice-secret-key');
    expect(everything).not.toContain(token);
  });

  it('refreshes the expiry on activity (at most once a minute), to the idle timeout in force', async () => {
    const { a, client } = await cluster();
    const { session } = await signedIn(a);
    await session.ask('hello', 'q1');
    await session.storeFlushed();
    const key = `tallyfy-gw:conv:{${session.id}}:transcript`;
    expect(await client.pttl(key)).toBeGreaterThan(29 * 60_000);
    a.setIdleTimeout(5);
    session.touch();
    await session.storeFlushed();
    // Less than a minute since the last write: no refresh yet.
    expect(await client.pttl(key)).toBeGreaterThan(29 * 60_000);
    (a.clock as FakeClock).advance(61_000);
    session.touch();
    await session.storeFlushed();
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
  });

  it('restores on another node only with the right token, key, user and org; the model then receives the earlier turns', async () => {
    const { a, b, received } = await cluster();
    const { session, token } = await signedIn(a);
    await session.ask('where is my invoice?', 'q1');
    await session.storeFlushed();
    const request = { sessionId: session.id, token, address: '10.0.0.9' };
    expect(await b.restore({ ...request, credentials: undefined }, authenticate)).toEqual({ outcome: 'needs_sign_in' });
    expect(await b.restore({ ...request, token: 'wrong', credentials: undefined }, authenticate)).toEqual({ outcome: 'refused' });
    expect(
      await b.restore({ ...request, token: 'wrong', credentials: { apiKey: 'alice-secret-key', orgId: 'org1' } }, authenticate),
    ).toEqual({ outcome: 'refused' });
    expect(await b.restore({ ...request, credentials: { apiKey: 'mallory-secret-key', orgId: 'org1' } }, authenticate)).toEqual({
      outcome: 'refused',
    });
    expect(await b.restore({ ...request, credentials: { apiKey: 'alice-secret-key', orgId: 'org2' } }, authenticate)).toEqual({
      outcome: 'refused',
    });
    expect(await b.restore({ ...request, sessionId: 'no-such-session', credentials: undefined }, authenticate)).toEqual({
      outcome: 'refused',
    });
    expect(b.size).toBe(0);

    const restored = await b.restore({ ...request, credentials: { apiKey: 'alice-secret-key', orgId: 'org1' } }, authenticate);
    if (restored.outcome !== 'restored') throw new Error(`not restored: ${restored.outcome}`);
    const moved = restored.session;
    expect(moved.id).toBe(session.id);
    expect(moved.identity?.user.id).toBe('u-alice');
    expect(moved.holdsCredentials).toBe(true);
    expect(moved.transcript.map((entry) => [entry.role, entry.content])).toEqual([
      ['user', 'where is my invoice?'],
      ['assistant', 'answer to where is my invoice?'],
    ]);
    const next = moved.issueResumeToken();
    await moved.ask('and the one before?', 'q2');
    expect(received.at(-1)).toEqual(['where is my invoice?', 'answer to where is my invoice?', 'and the one before?']);
    await moved.storeFlushed();
    // The old token is spent: only the new one restores now.
    expect(await a.restore({ ...request, credentials: undefined }, authenticate)).toEqual({ outcome: 'refused' });
    expect(await a.restore({ ...request, token: next, credentials: undefined }, authenticate)).toEqual({ outcome: 'needs_sign_in' });
  });

  it('deletes on quit (not at shutdown), and a node that no longer holds a session cannot delete it', async () => {
    const { a, b, client } = await cluster();
    const first = await signedIn(a);
    await first.session.ask('hello', 'q1');
    first.session.end('shutdown');
    await first.session.storeFlushed();
    expect(await client.exists(`tallyfy-gw:conv:{${first.session.id}}:meta`)).toBe(1);

    const restored = await b.restore(
      { sessionId: first.session.id, token: first.token, address: 'x', credentials: { apiKey: 'alice-secret-key', orgId: 'org1' } },
      authenticate,
    );
    if (restored.outcome !== 'restored') throw new Error('not restored');
    restored.session.issueResumeToken();
    await restored.session.storeFlushed();
    expect(await client.hget(`tallyfy-gw:conv:{${first.session.id}}:meta`, 'owner')).toBe('node-b');

    const second = await signedIn(a);
    await second.session.ask('bye', 'q1');
    second.session.end('quit');
    await second.session.storeFlushed();
    expect(await client.exists(`tallyfy-gw:conv:{${second.session.id}}:meta`, `tallyfy-gw:conv:{${second.session.id}}:history`)).toBe(0);

    // node-a's stale copy of the first session ending (e.g. its resume grace ran out) must not delete node-b's.
    const stale = a.create({ kind: 'web', address: 'x', id: first.session.id });
    stale.signIn(alice, { apiKey: 'alice-secret-key', orgId: 'org1' });
    stale.end('resume_expired');
    await stale.storeFlushed();
    expect(await client.exists(`tallyfy-gw:conv:{${first.session.id}}:meta`)).toBe(1);
    restored.session.end('kicked');
    await restored.session.storeFlushed();
    expect(await client.exists(`tallyfy-gw:conv:{${first.session.id}}:meta`)).toBe(0);
  });

  it('keeps serving while Redis is away and catches the store up when it is back', async () => {
    const { a, client } = await cluster();
    const { session } = await signedIn(a);
    await session.ask('before', 'q1');
    await session.storeFlushed();
    await server!.kill();
    await session.ask('during', 'q2');
    await session.storeFlushed();
    expect(session.transcript.at(-1)?.content).toBe('answer to during');
    await server!.restart();
    const deadline = Date.now() + 15_000;
    while (connection!.status() !== 'ready' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await session.ask('after', 'q3');
    await session.storeFlushed();
    const history = (await client.lrange(`tallyfy-gw:conv:{${session.id}}:history`, 0, -1)).map(
      (text) => (JSON.parse(text) as { content: string }).content,
    );
    expect(history).toEqual(['before', 'answer to before', 'during', 'answer to during', 'after', 'answer to after']);
    expect(await client.hget(`tallyfy-gw:conv:{${session.id}}:meta`, 'owner')).toBe('node-a');
  });
});
