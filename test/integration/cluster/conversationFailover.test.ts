import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectRedis } from '../../../electron/core/cluster/redisConnection';
import { sandboxOrgs, sandboxTokens } from '../../../electron/core/tallyfy/sandbox';
import { TestClient, type Frame } from '../support/wsClient';

import { haveRedisServer, startClusterStack, until, type ClusterStack } from './clusterStack';

/** The text of every message the model received in one request, joined. */
function promptText(body: unknown): string {
  const messages = (body as { messages?: Array<{ content: unknown }> }).messages ?? [];
  return JSON.stringify(messages.map((message) => message.content));
}

describe.skipIf(!haveRedisServer && !process.env.CI)('a conversation survives the loss of its node (two serve nodes on one Redis)', () => {
  let stack: ClusterStack | undefined;
  beforeAll(async () => {
    stack = await startClusterStack();
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it('node A is SIGKILLed; the teammate resumes on node B with token + key + org, gets the transcript, and the model receives the earlier turns', async () => {
    const cluster = stack!;
    const onA = await cluster.signIn('node-a', { extra: { extensions: ['resume', 'stream'] } });
    const token = String(onA.success.resume_token);
    expect(token.length).toBeGreaterThan(20);
    onA.client.send({ type: 'query', content: 'Remember the code word PELICAN-42 for later.', query_id: 'q1' });
    const first = await onA.client.next('response', 30_000);
    expect(first.query_id).toBe('q1');

    // The conversation is in Redis (written after the turn), and no credential or clear token is.
    const link = connectRedis({ url: cluster.redis.url, nodeId: 'test-reader' });
    try {
      await until('Redis link', () => link.status() === 'ready');
      const keys = await until('the kept conversation', async () => {
        const found = await link.client.keys(`tallyfy-gw:conv:{${onA.sessionId}}:*`);
        return found.length === 3 && (await link.client.llen(`tallyfy-gw:conv:{${onA.sessionId}}:history`)) >= 2 ? found : undefined;
      });
      let kept = '';
      for (const key of keys)
        kept += JSON.stringify(key.endsWith(':meta') ? await link.client.hgetall(key) : await link.client.lrange(key, 0, -1));
      expect(kept).toContain('PELICAN-42');
      expect(kept).not.toContain(sandboxTokens.alice);
      expect(kept).not.toContain(token);
      expect(kept).not.toContain(cluster.adminToken);
      // The idle timeout (default 60 minutes) is the expiry.
      const ttl = await link.client.pttl(`tallyfy-gw:conv:{${onA.sessionId}}:history`);
      expect(ttl).toBeGreaterThan(55 * 60_000);
    } finally {
      await link.close();
    }

    await cluster.kill('node-a');
    await onA.client.waitClose(10_000);

    const onB = await TestClient.open(cluster.node('node-b').wsUrl);
    const resume = { type: 'resume', session_id: onA.sessionId, resume_token: token, extensions: ['resume', 'stream'] };
    // Without credentials: node B cannot restore it and says what it needs.
    const needs = await onB.request(resume, 'error', 15_000);
    expect(needs.code).toBe('RESUME_NEEDS_SIGN_IN');
    // Another user's key (same org): refused with the plain resume failure.
    const other = await onB.request({ ...resume, api_key: sandboxTokens.bob, org_id: sandboxOrgs.acme }, 'error', 15_000);
    expect(other.code).toBe('RESUME_FAILED');
    // The right key but a wrong token: the same refusal, word for word.
    const wrongToken = await onB.request(
      { ...resume, resume_token: `${token}x`, api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme },
      'error',
      15_000,
    );
    expect(wrongToken).toMatchObject({ code: 'RESUME_FAILED', message: other.message });
    // Alice's own key and org: the same session, with its transcript.
    const resumed = await onB.request<Frame & { transcript: Array<{ role: string; content: string }> }>(
      { ...resume, api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme },
      'resumed',
      15_000,
    );
    expect(resumed.session_id).toBe(onA.sessionId);
    expect(resumed.user).toMatchObject({ email: expect.stringContaining('alice') });
    expect(resumed.transcript.map((entry) => entry.role)).toEqual(['user', 'assistant']);
    expect(resumed.transcript[0]?.content).toContain('PELICAN-42');
    expect(resumed.resume_token).not.toBe(token);

    const before = cluster.fake.messageRequests.length;
    onB.send({ type: 'query', content: 'What was the code word?', query_id: 'q2' });
    await onB.next('response', 30_000);
    const request = cluster.fake.messageRequests.slice(before).at(-1);
    expect(request).toBeDefined();
    // The model on node B received the earlier turns from node A.
    expect(promptText(request!.body)).toContain('PELICAN-42');
    expect(promptText(request!.body)).toContain('What was the code word?');

    // The admin of node B sees the restored session as its own.
    const list = await cluster.adminOk<{ sessions: Array<{ id: string; node?: string }> }>('node-b', 'sessions.list');
    expect(list.sessions.map((session) => session.id)).toContain(onA.sessionId);
    onB.close();

    // Failed resumes count as failed sign-ins: two above (another user's key, a wrong token), eight more make ten.
    const guesser = await TestClient.open(cluster.node('node-b').wsUrl);
    for (let attempt = 0; attempt < 8; attempt++) {
      const refused = await guesser.request(
        { ...resume, resume_token: `guess-${attempt}`, api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme },
        'error',
        15_000,
      );
      expect(refused.code).toBe('RESUME_FAILED');
    }
    const blocked = await guesser.request({ ...resume, resume_token: 'one-more' }, 'auth_error', 15_000);
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    guesser.close();
  }, 120_000);
});
