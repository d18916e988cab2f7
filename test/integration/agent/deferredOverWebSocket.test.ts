/**
 * The "done when": over the WebSocket, against the product as `serve --sandbox` composes it
 * and the fake Anthropic API in strict mode running its demo model, a question that needs a tool
 * outside the eager core set is answered through Claude's tool search.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../../electron/core/tallyfy/sandbox';
import { startStack, type Stack } from '../support/stack';
import { TestClient } from '../support/wsClient';

let running: Stack | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function ask(stack: Stack, question: string): Promise<{ answer: string; tools: unknown[] }> {
  const client = await TestClient.open(stack.addresses.wsUrl);
  await client.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme, extensions: ['tools'] }, 'auth_success');
  const response = await client.request({ type: 'query', content: question }, 'response', 20_000);
  const tools = client.frames.filter((frame) => frame.type === 'tool_call').map((frame) => frame.tool);
  client.close();
  return { answer: String(response.content), tools };
}

describe('deferred tools over the WebSocket', () => {
  it('answers "which groups?" with get_groups, found through a tool search, from the sandbox data', async () => {
    running = await startStack({ fake: { autoSearch: false } });
    const { answer, tools } = await ask(running, 'Which groups do we have?');
    expect(answer).toContain('Finance Approvers');
    expect(tools).toEqual(['get_groups']);

    const [first, second] = running.fake.messageRequests;
    // The first request carried get_groups deferred and the search tool eager…
    const offered = first!.body.tools!;
    expect(offered.find((tool) => tool.name === 'get_groups')?.defer_loading).toBe(true);
    expect(offered.find((tool) => tool.name === 'tool_search_tool_bm25')?.defer_loading).toBeUndefined();
    // …and the second sent the search back, in order, before the call it enabled.
    const turn = second!.body.messages![1]!.content as Array<{ type: string; name?: string }>;
    expect(turn.map((block) => block.type)).toEqual(['text', 'server_tool_use', 'tool_search_tool_result', 'tool_use']);
    expect(turn.at(-1)?.name).toBe('get_groups');
  });

  it('GATEWAY_TOOL_LOADING=all offers every tool eagerly: the same answer, no search', async () => {
    running = await startStack({ fake: { autoSearch: false }, env: { GATEWAY_TOOL_LOADING: 'all' } });
    const { answer, tools } = await ask(running, 'Which groups do we have?');
    expect(answer).toContain('Finance Approvers');
    expect(tools).toEqual(['get_groups']);
    const second = running.fake.messageRequests[1]!;
    expect((second.body.messages![1]!.content as Array<{ type: string }>).map((block) => block.type)).toEqual(['text', 'tool_use']);
    expect(running.fake.messageRequests[0]!.body.tools!.some((tool) => tool.defer_loading)).toBe(false);
  });
});
