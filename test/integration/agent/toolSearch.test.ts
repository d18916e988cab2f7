/**
 * Deferred tool loading end to end inside the agent: the real in-process MCP tools on the Tallyfy
 * sandbox, the real SDK, and the fake Anthropic API in strict mode (a deferred tool is callable only
 * after a search in the history loaded it; the API's 400s apply).
 */
import { getTokenizer } from '@anthropic-ai/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAgent, type AgentOptions } from '../../../electron/core/agent/agent';
import { Conversation } from '../../../electron/core/agent/conversation';
import { coreToolNames, isDeferred, type ToolParam } from '../../../electron/core/agent/toolParams';
import type { ToolHost } from '../../../electron/core/mcp/toolHost';
import { createInProcessToolHost } from '../../../electron/core/mcp/transports/inProcessToolHost';
import { createTallyfyClient } from '../../../electron/core/tallyfy/client';
import { sandboxOrgs, sandboxTokens } from '../../../electron/core/tallyfy/sandbox/defaultSeed';
import { startSandbox, type Sandbox } from '../../../electron/core/tallyfy/sandbox/server';
import { startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic/fakeAnthropic';
import {
  errorReply,
  lastToolResults,
  resultItems,
  searchReply,
  textReply,
  toolReply,
  type FakeRequest,
} from '../../fakes/anthropic/replies';

import { quietLogger, recorder, testUser } from './harness';

let sandbox: Sandbox;
let fake: FakeAnthropic;
let tools: ToolHost;

beforeAll(async () => {
  sandbox = await startSandbox();
  fake = await startFakeAnthropic({ minCacheTokens: 0, autoSearch: false });
  tools = await createInProcessToolHost(
    createTallyfyClient({ baseUrl: sandbox.url, token: sandboxTokens.alice, orgId: sandboxOrgs.acme, maxRetries: 0 }),
  );
});
afterAll(async () => {
  await tools.close();
  await fake.close();
  await sandbox.close();
});

const agentWith = (options: Partial<AgentOptions> = {}) =>
  createAgent({ apiKey: 'sk-ant-test-key-123456', baseURL: fake.url, retryBaseDelayMs: 10, logger: quietLogger(), ...options });

/** The assistant turn blocks the agent sent back in `request` (the turn after the first question). */
const blockTypes = (request: FakeRequest, index: number): string[] => {
  const content = request.body.messages?.[index]?.content;
  return Array.isArray(content) ? content.map((block) => String(block.type)) : ['string'];
};
const groupNames = (request: FakeRequest): string => {
  return resultItems(lastToolResults(request)[0]?.content ?? '')
    .map((group) => String(group.name))
    .join(', ');
};

describe('agent with deferred tools behind tool search', () => {
  it('sends ≤ 3,000 tokens of eager definitions (search tool included), every tool reachable, the core set all real tools', async () => {
    const infos = await tools.listTools();
    for (const name of coreToolNames) expect(infos.map((entry) => entry.name)).toContain(name);
    fake.enqueue(textReply('hello'));
    await agentWith().run({ conversation: agentWith().createConversation(), query: 'hi', tools, user: testUser });
    const sent = fake.messageRequests.at(-1)!.body.tools as unknown as ToolParam[];
    const eager = sent.filter((param) => !isDeferred(param));
    const tokenizer = getTokenizer();
    const eagerTokens = tokenizer.encode(JSON.stringify(eager).normalize('NFKC'), 'all').length;
    const allTokens = tokenizer.encode(
      JSON.stringify(
        infos.map((entry) => ({ name: entry.name, description: entry.description, input_schema: entry.inputSchema })),
      ).normalize('NFKC'),
      'all',
    ).length;
    tokenizer.free();
    expect(eagerTokens).toBeLessThanOrEqual(3000);
    expect(eagerTokens).toBeLessThan(allTokens / 5);
    expect(eager.map((param) => param.name)).toEqual([...coreToolNames, 'tool_search_tool_bm25']);
    // Every tool of the host is in the list, eager or deferred.
    expect(new Set(sent.map((param) => param.name))).toEqual(new Set([...infos.map((entry) => entry.name), 'tool_search_tool_bm25']));
  });

  it('answers a question that needs a deferred tool through a search, keeps the search blocks in order, and reads the cache on round 2', async () => {
    const start = fake.messageRequests.length;
    fake.enqueue(searchReply('groups teams', [{ name: 'get_groups', input: {} }], 'Let me find the groups tool.'), (request) =>
      textReply(`Your groups: ${groupNames(request)}.`),
    );
    const agent = agentWith();
    const conversation = agent.createConversation();
    const rec = recorder();
    const result = await agent.run({ conversation, query: 'Which groups do we have?', tools, user: testUser, onEvent: rec.onEvent });

    expect(result.text).toContain('Finance Approvers');
    expect(result.toolCalls.map((call) => [call.name, call.outcome])).toEqual([['get_groups', 'ok']]);
    const [first, second] = fake.messageRequests.slice(start);
    expect(blockTypes(second!, 1)).toEqual(['text', 'server_tool_use', 'tool_search_tool_result', 'tool_use']);
    const sentBack = second!.body.messages![1]!.content as Array<Record<string, unknown>>;
    expect(sentBack[2]).toMatchObject({
      content: {
        type: 'tool_search_tool_search_result',
        tool_references: expect.arrayContaining([{ type: 'tool_reference', tool_name: 'get_groups' }]),
      },
    });
    expect(sentBack[1]).toMatchObject({
      type: 'server_tool_use',
      name: 'tool_search_tool_bm25',
      input: { query: 'groups teams' },
      caller: { type: 'direct' },
    });
    // The cached prefix (tools + system) is byte-identical across rounds, and round 2 reads it.
    expect(JSON.stringify(second!.body.tools)).toBe(JSON.stringify(first!.body.tools));
    expect(JSON.stringify(second!.body.system)).toBe(JSON.stringify(first!.body.system));
    const rounds = rec.events.filter((event) => event.type === 'round_finished');
    expect(rounds[1]?.type === 'round_finished' && rounds[1].usage.cacheReadTokens).toBeGreaterThan(0);

    // A later question calls the loaded tool directly: the history still loads it, the API accepts it.
    fake.enqueue(toolReply([{ name: 'get_groups', input: { query: 'Finance' } }]), textReply('Still Finance Approvers.'));
    const again = await agent.run({ conversation, query: 'And the finance one?', tools, user: testUser });
    expect(again.text).toBe('Still Finance Approvers.');

    // After `clear` the history no longer loads it: a direct call would be refused, so Claude searches again.
    conversation.clear();
    fake.enqueue(searchReply('groups', [{ name: 'get_groups', input: {} }]), textReply('Found them again.'));
    expect((await agent.run({ conversation, query: 'Groups?', tools, user: testUser })).text).toBe('Found them again.');
  });

  it('tools + shared instructions are one byte-identical cached prefix for every teammate', async () => {
    const start = fake.messageRequests.length;
    fake.clearCache();
    fake.enqueue(textReply('a'), textReply('b'));
    const agent = agentWith();
    const first = await agent.run({ conversation: agent.createConversation(), query: 'hi', tools, user: testUser });
    const bob = { ...testUser, name: 'Bob Okafor', email: 'bob@acme.example', role: 'standard', timezone: 'America/New_York' };
    const second = await agent.run({ conversation: agent.createConversation(), query: 'hello', tools, user: bob });
    const [a, b] = fake.messageRequests.slice(start);
    expect(JSON.stringify(b!.body.tools)).toBe(JSON.stringify(a!.body.tools));
    const systemA = a!.body.system as Array<{ text: string }>;
    const systemB = b!.body.system as Array<{ text: string }>;
    expect(JSON.stringify(systemB[0])).toBe(JSON.stringify(systemA[0]));
    expect(systemB[1]?.text).toContain('Bob Okafor');
    // Bob's first request reads the prefix Alice's wrote.
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(second.usage.cacheReadTokens).toBeGreaterThan(1000);
    expect(second.usage.cacheWriteTokens).toBeLessThan(first.usage.cacheWriteTokens / 2);
  });

  it('a denied write found through a search leaves a history the API accepts', async () => {
    const start = fake.messageRequests.length;
    fake.enqueue(
      searchReply('create tag', [{ name: 'create_tag', input: { title: 'Urgent' } }]),
      textReply('I did not create it.'),
      textReply('ok'),
    );
    const agent = agentWith();
    const conversation = agent.createConversation();
    const rec = recorder(['deny']);
    const result = await agent.run({
      conversation,
      query: 'Make a tag Urgent',
      tools,
      user: testUser,
      requestApproval: rec.requestApproval,
    });
    expect(rec.asked.map((request) => request.toolName)).toEqual(['create_tag']);
    expect(result.toolCalls.map((call) => call.outcome)).toEqual(['denied']);
    await agent.run({ conversation, query: 'fine', tools, user: testUser });
    expect(fake.messageRequests.slice(start)).toHaveLength(3);
    expect(blockTypes(fake.messageRequests.at(-1)!, 1)).toEqual(['server_tool_use', 'tool_search_tool_result', 'tool_use']);
  });

  it('cancel while a deferred tool runs answers its tool_use and keeps the search, so the next query is accepted', async () => {
    let release: (() => void) | undefined;
    const slow: ToolHost = {
      listTools: () => tools.listTools(),
      close: async () => undefined,
      callTool: (name, args, signal) =>
        name === 'get_groups'
          ? new Promise((resolve, reject) => {
              release = () => resolve({ text: '{}', isError: false });
              signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
            })
          : tools.callTool(name, args, signal),
    };
    const agent = agentWith();
    const conversation = agent.createConversation();
    const controller = new AbortController();
    fake.enqueue(searchReply('groups', [{ name: 'get_groups', input: {} }]));
    const running = agent.run({
      conversation,
      query: 'groups?',
      tools: slow,
      user: testUser,
      signal: controller.signal,
      onEvent: (event) => event.type === 'tool_started' && controller.abort(),
    });
    await expect(running).rejects.toMatchObject({ code: 'AGENT_CANCELLED' });
    release?.();
    fake.enqueue(toolReply([{ name: 'get_groups', input: {} }]), textReply('Finance Approvers.'));
    expect((await agent.run({ conversation, query: 'try again', tools, user: testUser })).text).toBe('Finance Approvers.');
  });

  it('a retried round (529) keeps one search, not two', async () => {
    const start = fake.messageRequests.length;
    fake.enqueue(errorReply(529), searchReply('groups', [{ name: 'get_groups', input: {} }]), textReply('done'));
    const agent = agentWith();
    const result = await agent.run({ conversation: agent.createConversation(), query: 'groups?', tools, user: testUser });
    expect(result.text).toBe('done');
    const last = fake.messageRequests.at(-1)!;
    expect(blockTypes(last, 1).filter((type) => type === 'server_tool_use')).toHaveLength(1);
    expect(fake.messageRequests.length - start).toBe(3); // the refused attempt, its retry, the answer round
  });

  it('history trimming keeps the search a later call depends on: no 400 after the exchange that searched is dropped', async () => {
    const agent = agentWith({ maxRetries: 0 });
    const first = (): void => fake.enqueue(searchReply('groups', [{ name: 'get_groups', input: {} }]), textReply('first answer'));
    // Measure the first exchange, then give a conversation just room for it and the next question.
    const probe = agent.createConversation();
    first();
    await agent.run({ conversation: probe, query: 'groups?', tools, user: testUser });
    const conversation = new Conversation(probe.estimatedTokens + 100);
    first();
    await agent.run({ conversation, query: 'groups?', tools, user: testUser });
    // Round 1 calls the tool the first exchange loaded (its long text tips the budget); before round 2
    // that exchange is trimmed away, and its search must stay.
    fake.enqueue(toolReply([{ name: 'get_groups', input: {} }], `Looking again. ${'z'.repeat(2400)}`), textReply('second answer'));
    expect((await agent.run({ conversation, query: 'second look', tools, user: testUser })).text).toMatch(/second answer$/);
    const last = fake.messageRequests.at(-1)!;
    expect(last.body.messages![0]!.content).toBe('second look');
    expect(blockTypes(last, 1)).toEqual(['server_tool_use', 'tool_search_tool_result', 'text', 'tool_use']);
  });

  it('GATEWAY_TOOL_LOADING=all sends every tool eager with no search tool, as before', async () => {
    fake.enqueue(toolReply([{ name: 'get_groups', input: {} }]), textReply('ok'));
    const agent = agentWith({ toolLoading: 'all' });
    await agent.run({ conversation: agent.createConversation(), query: 'groups?', tools, user: testUser });
    const sent = fake.messageRequests.at(-1)!.body.tools!;
    expect(sent.some((tool) => tool.defer_loading || tool.type)).toBe(false);
    expect(sent).toHaveLength((await tools.listTools()).length);
  });
});
