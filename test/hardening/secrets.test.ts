import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorReply, textReply } from '../fakes/anthropic/replies';

import { startStack, type Stack } from '../integration/support/stack';

import { ask, nextOf, signIn, TestClient } from './support/client';
import { seedWithUsers, type SeededUser } from './support/users';

describe('secrets: after a full run, no token in any log, settings file or reply', () => {
  let stack: Stack;
  let users: SeededUser[];
  const clients: TestClient[] = [];
  const httpBodies: string[] = [];

  beforeAll(async () => {
    const seeded = seedWithUsers(3);
    users = seeded.users;
    // --debug: the most talkative logging there is.
    stack = await startStack({ seed: seeded.seed, flags: ['--debug'] });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await stack?.close();
  });

  it('runs sign-ins, tool calls, failures of every kind and MCP over HTTP, then finds none of the secrets anywhere', async () => {
    const wrongToken = `wrong-${users[0]!.token}`;
    // Sign-ins (good and bad), queries with tool calls, a user pasting their own token into a question.
    for (const user of users) {
      const { client } = await signIn(stack.url, user.token, user.orgId);
      clients.push(client);
      expect((await ask(client, 'What tasks do I have open?')).type).toBe('response');
      expect((await ask(client, `my token is ${user.token}, what are my tasks?`)).type).toBe('response');
    }
    const refused = await TestClient.open(stack.url);
    clients.push(refused);
    refused.send({ type: 'auth', api_key: wrongToken, org_id: users[0]!.orgId });
    expect((await nextOf(refused, ['auth_error'])).type).toBe('auth_error');
    // A token used on the other org (403 from Tallyfy).
    const crossOrg = await TestClient.open(stack.url);
    clients.push(crossOrg);
    crossOrg.send({ type: 'auth', api_key: users[0]!.token, org_id: users.find((user) => user.orgId !== users[0]!.orgId)!.orgId });
    expect((await nextOf(crossOrg, ['auth_error'])).type).toBe('auth_error');

    // Failures while a signed-in user is asking: Tallyfy 401/500 inside a tool, Anthropic 401 and 500.
    const victim = clients[0]!;
    stack.sandbox.faults.set({ failNext: { count: 1, status: 401 }, match: '/me/tasks' });
    await ask(victim, 'What tasks do I have open?');
    stack.sandbox.faults.set({ failNext: { count: 1, status: 500, message: `boom ${users[0]!.token}` }, match: '/me/tasks' });
    await ask(victim, 'What tasks do I have open?');
    stack.fake.script(errorReply(401, { message: `invalid x-api-key ${stack.anthropicKey}` }));
    expect((await ask(victim, 'hi')).type).toBe('error');
    // Only the session's own key and the server-wide secrets are looked for in its output: another
    // session's key can never reach this session's model, and looking for it was an oracle (test/security).
    stack.fake.script(errorReply(400, { message: `prompt mentions ${users[0]!.token}` }));
    expect((await ask(victim, 'hi')).type).toBe('error');
    stack.fake.script(textReply(`Your key is ${users[0]!.token} and mine is ${stack.anthropicKey}.`));
    const echoed = await ask(victim, 'say something risky');
    expect(echoed.type).toBe('response');

    // MCP over Streamable HTTP with a good and a bad bearer token.
    const mcpUrl = stack.core.addresses()?.mcpUrl;
    expect(mcpUrl).toBeDefined();
    const mcp = new Client({ name: 'secrets-test', version: '0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(mcpUrl!), { requestInit: { headers: { authorization: `Bearer ${users[1]!.token}`, 'x-tallyfy-org-id': users[1]!.orgId } } }));
    const result = await mcp.callTool({ name: 'get_my_tasks', arguments: {} });
    httpBodies.push(JSON.stringify(result));
    await mcp.close();
    const bad = await fetch(mcpUrl!, {
      method: 'POST',
      headers: { authorization: `Bearer ${wrongToken}`, 'x-tallyfy-org-id': users[0]!.orgId, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(bad.status).toBe(401);
    httpBodies.push(await bad.text());
    const health = await fetch(`${stack.httpUrl}/healthz`);
    httpBodies.push(await health.text());

    // Quit and shut down, so the wipe and shutdown paths log too.
    clients[1]!.send({ type: 'query', content: 'quit' });
    await clients[1]!.waitClose();
    await stack.stop();

    const secrets = [...users.map((user) => user.token), wrongToken, stack.anthropicKey];
    const places: Array<{ where: string; text: string }> = [
      ...stack.logLines.map((text, i) => ({ where: `log line ${i}`, text })),
      ...stack.parts.logs.list().map((entry) => ({ where: `admin log ${entry.seq}`, text: JSON.stringify(entry) })),
      ...stack.dataFiles().filter((file) => !file.path.endsWith('seed.json')).map((file) => ({ where: file.path, text: file.text })),
      ...clients.flatMap((client, c) => client.frames.map((frame, i) => ({ where: `client ${c} frame ${i} (${frame.type})`, text: JSON.stringify(frame) }))),
      ...httpBodies.map((text, i) => ({ where: `HTTP body ${i}`, text })),
    ];
    expect(stack.logLines.length).toBeGreaterThan(20);
    // The settings folder holds at least the secrets file (the generated admin token).
    expect(stack.dataFiles().filter((file) => !file.path.endsWith('seed.json')).length).toBeGreaterThan(0);
    const leaks = places.flatMap((place) => secrets.filter((secret) => place.text.includes(secret)).map((secret) => `${place.where}: …${secret.slice(-6)}`));
    expect(leaks).toEqual([]);
  }, 60_000);
});
