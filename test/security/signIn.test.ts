/**
 * Issue 12 §3: the sign-in door. Failed attempts count whatever succeeds in between; a socket
 * that does not sign in is closed after a deadline; a flood of not-yet-signed-in sockets from
 * many addresses is capped and signed-in teammates are still served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { startTestGateway, type TestGateway } from '../integration/support/testGateway';
import { TestClient } from '../integration/support/wsClient';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function tryAuth(url: string, apiKey: string): Promise<string> {
  const client = await TestClient.open(url);
  const answer = await client.request({ type: 'auth', api_key: apiKey, org_id: 'org-a' }, 'auth_success');
  client.close();
  return String(answer.type);
}

async function authAnswer(url: string, apiKey: string): Promise<{ type: string; code?: unknown }> {
  const client = await TestClient.open(url);
  client.send({ type: 'auth', api_key: apiKey, org_id: 'org-a' });
  const answer = await client.next(['auth_success', 'auth_error']);
  client.close();
  return { type: answer.type, code: answer.code };
}

describe('security: sign-in limits (issue 12 §3)', () => {
  it('counts failed sign-ins whatever succeeds in between (one valid key buys no extra guesses)', async () => {
    gateway = await startTestGateway({ gateway: { attemptLimit: { maxFailures: 4, windowMs: 60_000 } } });
    const answers: Array<{ type: string; code?: unknown }> = [];
    for (let round = 0; round < 3; round++) {
      answers.push(await authAnswer(gateway.url, `tok-guess-${round}`));
      expect(await tryAuth(gateway.url, 'tok-alice')).toBe('auth_success');
    }
    answers.push(await authAnswer(gateway.url, 'tok-guess-3'));
    // The fifth try, a valid key or not, is refused: the address used up its failures.
    answers.push(await authAnswer(gateway.url, 'tok-guess-4'));
    answers.push(await authAnswer(gateway.url, 'tok-alice'));
    expect(answers.map((answer) => answer.code)).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'TOO_MANY_ATTEMPTS',
      'TOO_MANY_ATTEMPTS',
    ]);
  });

  it('closes a connection that has not signed in by the deadline (1008)', async () => {
    gateway = await startTestGateway({ gateway: { signInDeadlineMs: 300 } });
    const idle = await TestClient.open(gateway.url);
    const signedIn = await TestClient.open(gateway.url);
    await signedIn.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    expect((await idle.waitClose(5000)).code).toBe(1008);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(signedIn.closed).toBeUndefined();
    expect((await signedIn.request({ type: 'query', content: 'still here?' }, 'response')).content).toBe('You said: still here?');
    signedIn.close();
  });

  it('caps not-yet-signed-in sockets while 2,000 arrive from 20 loopback addresses, and keeps serving signed-in teammates', async () => {
    // Acting as a LAN gateway (per-address cap on), bound to loopback for the test.
    gateway = await startTestGateway({ gateway: { host: '0.0.0.0' } });
    const teammate = await TestClient.open(gateway.url);
    await teammate.request({ type: 'auth', api_key: 'tok-alice', org_id: 'org-a' }, 'auth_success');
    const sockets: WebSocket[] = [];
    let maxOpenAtOnce = 0;
    let open = 0;
    const flood = Array.from(
      { length: 2000 },
      (_unused, i) =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(gateway!.url, { localAddress: `127.0.0.${(i % 20) + 1}` });
          sockets.push(ws);
          let opened = false;
          ws.on('open', () => {
            opened = true;
            open += 1;
            maxOpenAtOnce = Math.max(maxOpenAtOnce, open);
            resolve();
          });
          // Open at once: a socket the server closed (its sign-in deadline passed on a slow machine) no longer counts.
          ws.on('close', () => {
            if (opened) open -= 1;
            opened = false;
            resolve();
          });
          ws.on('error', () => resolve());
          ws.on('unexpected-response', (_req, res) => {
            res.resume();
            resolve();
          });
        }),
    );
    // A teammate who signed in before the flood is answered while it arrives.
    const answered = teammate.request({ type: 'query', content: 'are you there?' }, 'response', 30_000);
    await Promise.all(flood);
    expect((await answered).content).toBe('You said: are you there?');
    expect((await teammate.request({ type: 'query', content: 'and now?' }, 'response', 30_000)).content).toBe('You said: and now?');
    const waiting = gateway.registry.sessions().filter((session) => !session.authenticated).length;
    expect(maxOpenAtOnce).toBeLessThanOrEqual(256);
    expect(waiting).toBeLessThanOrEqual(256);
    expect(gateway.logLines.some((line) => line.includes('too many connections waiting to sign in'))).toBe(true);
    for (const ws of sockets) ws.terminate();
    teammate.close();
  }, 60_000);
});
