import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';

import { dispatchAdmin } from '../../electron/core/admin/dispatch';
import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { lastToolResults, lastUserText, textReply, toolReply, type FakeReply, type FakeRequest } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient, type Frame } from './support/wsClient';

let stack: Stack | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await stack?.close();
  stack = undefined;
});

/** "tag NAME" calls create_tag, "folder NAME" create_folder, "launch" launch_process; then it reports the tool's outcome. */
function model(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  if (results.length) return textReply(results[0]!.is_error ? `Not done: ${results[0]!.content}` : 'Done.');
  const text = lastUserText(request);
  const tag = /tag (\w+)/i.exec(text);
  if (tag) return toolReply([{ name: 'create_tag', input: { title: tag[1] } }], 'Tagging.');
  const folder = /folder (\w+)/i.exec(text);
  if (folder) return toolReply([{ name: 'create_folder', input: { name: folder[1] } }], 'Making a folder.');
  return textReply('Hello.');
}

async function signIn(token: string): Promise<TestClient> {
  const client = await TestClient.open(stack!.url);
  clients.push(client);
  await client.request(
    { type: 'auth', api_key: token, org_id: sandboxOrgs.acme, extensions: ['approvals', 'tools'] },
    'auth_success',
    10_000,
  );
  return client;
}

function ask(client: TestClient, content: string, until: string[] = ['response', 'error']): Promise<Frame> {
  const answer = client.next(until, 15_000);
  client.send({ type: 'query', content });
  return answer;
}

/** The tool names the last model request offered. */
function offered(): string[] {
  const body = stack!.fake.messageRequests.at(-1)?.body as { tools?: { name: string }[] } | undefined;
  return (body?.tools ?? []).map((tool) => tool.name);
}

async function update(input: unknown): Promise<void> {
  const result = await dispatchAdmin(stack!.core.admin.handlers, 'settings.update', input);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
}

async function mcpClient(token: string): Promise<Client> {
  const client = new Client({ name: 'policy-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(stack!.addresses.mcpUrl!), {
      requestInit: { headers: { authorization: `Bearer ${token}`, 'x-tallyfy-org-id': sandboxOrgs.acme } },
    }),
  );
  return client;
}

describe('tool policies', () => {
  it('a disabled tool is not offered (for everyone, or for one role) from the next query of a running session, and not run when the model asks for it anyway', async () => {
    stack = await startStack();
    stack.fake.setFallback(model);
    const bob = await signIn(sandboxTokens.bob); // standard
    const carol = await signIn(sandboxTokens.carol); // light
    await ask(bob, 'hello');
    expect(offered()).toEqual(expect.arrayContaining(['create_tag', 'launch_process']));

    await update({
      toolPolicy: { disabled: ['create_tag'], alwaysAsk: [], byRole: { light: { disabled: ['launch_process'], alwaysAsk: [] } } },
    });
    await ask(bob, 'hello again');
    expect(offered()).not.toContain('create_tag');
    expect(offered()).toContain('launch_process');
    await ask(carol, 'hello');
    expect(offered()).not.toContain('create_tag');
    expect(offered()).not.toContain('launch_process');
    expect(offered()).toContain('get_me');

    // The model calls it anyway: refused, nothing reaches Tallyfy.
    const logged = stack.sandbox.requestLog.length;
    const mark = bob.frames.length;
    const answer = await ask(bob, 'tag Forbidden');
    expect(answer).toMatchObject({ type: 'response' });
    expect(answer.content).toMatch(/Not done: The tool create_tag is disabled by the gateway's tool policy \(toolPolicy\.disabled\)/);
    const result = bob.frames.slice(mark).find((frame) => frame.type === 'tool_result');
    expect(result).toMatchObject({ tool: 'create_tag', status: 'error' });
    expect(stack.sandbox.requestLog.slice(logged).filter((entry) => entry.method === 'POST')).toEqual([]);

    // Direct tool mode refuses it with the same words.
    expect(await ask(bob, '/tool create_tag {"title":"X"}')).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/disabled by the gateway's tool policy/),
    });

    // Lifting the policy applies at the next query.
    await update({ toolPolicy: { disabled: [], alwaysAsk: [], byRole: {} } });
    await ask(carol, 'hello');
    expect(offered()).toEqual(expect.arrayContaining(['create_tag', 'launch_process']));
  });

  it('alwaysAsk forces an approval even when the approval policy is never, and is not remembered for the session', async () => {
    stack = await startStack();
    stack.fake.setFallback(model);
    await update({ approvalPolicy: 'never', toolPolicy: { disabled: [], alwaysAsk: ['create_folder'], byRole: {} } });
    const bob = await signIn(sandboxTokens.bob);
    // create_tag writes, but the approval policy is never: no question.
    expect(await ask(bob, 'tag Free', ['response', 'approval_request'])).toMatchObject({
      type: 'response',
      content: expect.stringContaining('Done.'),
    });
    for (const name of ['Gamma', 'Delta']) {
      const question = await ask(bob, `folder ${name}`, ['approval_request', 'response']);
      expect(question).toMatchObject({ type: 'approval_request', tool: 'create_folder' });
      expect(question.allow_always).toBeUndefined();
      const done = bob.next('response', 15_000);
      bob.send({ type: 'approval', request_id: question.request_id, approved: true, always: true });
      expect((await done).content).toContain('Done.');
    }
  });

  it('the MCP port refuses a disabled tool with a JSON-RPC error naming the policy, per role', async () => {
    stack = await startStack();
    await update({ toolPolicy: { disabled: ['create_tag'], alwaysAsk: [], byRole: { light: { disabled: ['get_tags'], alwaysAsk: [] } } } });
    const bob = await mcpClient(sandboxTokens.bob);
    const carol = await mcpClient(sandboxTokens.carol);
    await expect(bob.callTool({ name: 'create_tag', arguments: { title: 'Nope' } })).rejects.toThrow(
      /create_tag is disabled by the gateway's tool policy \(toolPolicy\.disabled\)/,
    );
    await expect(carol.callTool({ name: 'get_tags', arguments: {} })).rejects.toMatchObject({
      code: -32012,
      message: expect.stringMatching(/tool policy for the light role \(toolPolicy\.byRole\.light\.disabled\)/),
    });
    // Allowed tools still work, and the role rule does not touch other roles.
    expect((await bob.callTool({ name: 'get_tags', arguments: {} })).isError).toBeFalsy();
    // A change applies to the next call.
    await update({ toolPolicy: { disabled: [], alwaysAsk: [], byRole: {} } });
    expect((await carol.callTool({ name: 'get_tags', arguments: {} })).isError).toBeFalsy();
    await bob.close();
    await carol.close();
  });
});
