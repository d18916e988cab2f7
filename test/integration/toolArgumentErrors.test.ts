import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { lastToolResults, textReply, toolReply, type FakeReply, type FakeRequest } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient } from './support/wsClient';

let stack: Stack | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await stack?.close();
  stack = undefined;
});

const raw = /Input validation error|Invalid arguments for tool|MCP error|-32602|"code":|"expected":|received undefined|Invalid input/;

describe('a model calling a tool with wrong arguments (agent path)', () => {
  it('the tool_result the model reads and every chat frame name the argument in words, never zod text', async () => {
    stack = await startStack({ env: { GATEWAY_TOOL_LOADING: 'all' } });
    const results: string[] = [];
    stack.fake.setFallback((request: FakeRequest): FakeReply => {
      const last = lastToolResults(request);
      if (last.length) {
        results.push(...last.map((item) => item.content));
        return textReply(`The tool said: ${last[0]!.content}`);
      }
      // A missing required argument and a wrong type in one round.
      return toolReply([
        { name: 'get_process', input: {} },
        { name: 'get_my_tasks', input: { per_page: 'ten' } },
      ]);
    });
    const client = await TestClient.open(stack.url);
    clients.push(client);
    await client.request(
      { type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme, extensions: ['stream', 'tools'] },
      'auth_success',
      10_000,
    );
    const done = client.next(['response', 'error'], 15_000);
    client.send({ type: 'query', content: 'show me the process' });
    expect((await done).type).toBe('response');
    expect(results).toHaveLength(2);
    expect(results[0]).toMatch(/run_id is required \(the process \(run\) id: 32 hexadecimal characters/);
    expect(results[1]).toMatch(/per_page must be a number, got text/);
    for (const text of results) expect(text).not.toMatch(raw);
    const shown = JSON.stringify(client.frames);
    expect(shown).toMatch(/run_id is required/);
    expect(shown).not.toMatch(raw);
  });
});
