import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, ToolUnion } from '@anthropic-ai/sdk/resources/messages/messages';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startFakeAnthropic, type FakeAnthropic } from './fakeAnthropic';
import { searchReply, textReply, toolReply } from './replies';
import { bm25Search, regexSearch, searchableText } from './toolSearch';

let fake: FakeAnthropic;
const client = (): Anthropic => new Anthropic({ apiKey: 'sk-fake-key', baseURL: fake.url, maxRetries: 0 });

beforeAll(async () => {
  fake = await startFakeAnthropic({ minCacheTokens: 0 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.script();
  fake.clearCache();
});

const schema = (properties: Record<string, { type: string; description?: string }>): { type: 'object'; properties: typeof properties } => ({
  type: 'object',
  properties,
});
const catalog = [
  { name: 'get_my_tasks', description: 'Lists my own tasks.', input_schema: schema({ status: { type: 'string' } }) },
  { name: 'get_groups', description: 'Lists the groups (teams) of the organization.', input_schema: schema({}), defer_loading: true },
  {
    name: 'create_tag',
    description: 'Creates a tag.',
    input_schema: schema({ title: { type: 'string', description: 'Label shown on processes' } }),
    defer_loading: true,
  },
  {
    name: 'get_guest',
    description: 'Reads one external person.',
    input_schema: schema({ guest_email: { type: 'string', description: 'Email address' } }),
    defer_loading: true,
  },
];
const bm25 = { type: 'tool_search_tool_bm25_20251119' as const, name: 'tool_search_tool_bm25' as const };
const regex = { type: 'tool_search_tool_regex_20251119' as const, name: 'tool_search_tool_regex' as const };
const request = (tools: unknown[], messages: MessageParam[] = [{ role: 'user', content: 'hi' }]) => ({
  model: 'claude-sonnet-5-5',
  max_tokens: 200,
  tools: tools as ToolUnion[],
  messages,
});
const status = async (promise: Promise<unknown>): Promise<number | 'ok'> =>
  promise.then(
    () => 'ok' as const,
    (error: unknown) => (error as { status?: number }).status ?? -1,
  );

describe('tool search (pure)', () => {
  it('reads names, descriptions and argument names and descriptions', () => {
    const text = searchableText(catalog[2]!);
    expect(text).toContain('create_tag');
    expect(text).toContain('title');
    expect(text).toContain('Label shown on processes');
  });

  it('BM25 ranks by the query words, and finds a tool through an argument description only', () => {
    expect(bm25Search(catalog, 'groups teams')[0]).toBe('get_groups');
    expect(bm25Search(catalog, 'label')).toEqual(['create_tag']);
    expect(bm25Search(catalog, 'zebra')).toEqual([]);
  });

  it('regex is case-sensitive like re.search unless (?i), and refuses bad or long patterns', () => {
    expect(regexSearch(catalog, 'email').ok && regexSearch(catalog, 'email')).toMatchObject({ names: ['get_guest'] });
    expect(regexSearch(catalog, 'LISTS')).toEqual({ ok: true, names: [] });
    expect(regexSearch(catalog, '(?i)LISTS the groups')).toEqual({ ok: true, names: ['get_groups'] });
    expect(regexSearch(catalog, '(')).toMatchObject({ ok: false, errorCode: 'invalid_tool_input' });
    expect(regexSearch(catalog, 'a'.repeat(201))).toMatchObject({ ok: false, errorCode: 'invalid_tool_input' });
  });
});

describe('fake Anthropic server: tool search', () => {
  it('streams server_tool_use and tool_search_tool_result (searching only deferred tools), then the call of what it found', async () => {
    fake.enqueue(searchReply('groups', [{ name: 'get_groups', input: {} }], 'Let me find a tool.'));
    const stream = client().messages.stream(request([...catalog, bm25]));
    const starts: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_start') starts.push(event.content_block.type);
    });
    const message = await stream.finalMessage();
    expect(starts).toEqual(['text', 'server_tool_use', 'tool_search_tool_result', 'tool_use']);
    expect(message.content[1]).toMatchObject({ type: 'server_tool_use', name: 'tool_search_tool_bm25', input: { query: 'groups' } });
    const result = message.content[2] as { type: string; tool_use_id: string; content: { tool_references: Array<{ tool_name: string }> } };
    expect(result.tool_use_id).toBe((message.content[1] as { id: string }).id);
    expect(result.content.tool_references.map((reference) => reference.tool_name)).toEqual(['get_groups']);
    expect(message.content[3]).toMatchObject({ type: 'tool_use', name: 'get_groups' });
    expect(message.stop_reason).toBe('tool_use');
  });

  it('runs the variant sent: the regex tool matches patterns, and a bad pattern comes back as a result error', async () => {
    fake.enqueue(searchReply(['guest_e.ail', '('], []));
    const message = await client().messages.create(request([...catalog, regex]));
    expect(message.content.map((block) => block.type)).toEqual([
      'server_tool_use',
      'tool_search_tool_result',
      'server_tool_use',
      'tool_search_tool_result',
    ]);
    expect((message.content[0] as { name: string }).name).toBe('tool_search_tool_regex');
    expect(message.content[1]).toMatchObject({
      content: { type: 'tool_search_tool_search_result', tool_references: [{ type: 'tool_reference', tool_name: 'get_guest' }] },
    });
    expect(message.content[3]).toMatchObject({ content: { type: 'tool_search_tool_result_error', error_code: 'invalid_tool_input' } });
  });

  it('refuses with 400 as the API does: search tool deferred, every tool deferred, deferred tools without a search tool', async () => {
    const before = fake.messageRequests.length;
    expect(await status(client().messages.create(request([...catalog, { ...bm25, defer_loading: true }])))).toBe(400);
    expect(await status(client().messages.create(request(catalog.map((tool) => ({ ...tool, defer_loading: true })))))).toBe(400);
    expect(await status(client().messages.create(request(catalog)))).toBe(400);
    expect(fake.messageRequests).toHaveLength(before);
  });

  it('accepts a call of a deferred tool only after a search result in the history loaded it', async () => {
    const tools = [...catalog, bm25];
    const called: MessageParam[] = [
      { role: 'user', content: 'which groups?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_groups', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '[]' }] },
    ];
    expect(await status(client().messages.create(request(tools, called)))).toBe(400);

    fake.enqueue(searchReply('groups', [{ name: 'get_groups', input: {} }]), textReply('No groups.'));
    const first = await client().messages.create(request(tools, [{ role: 'user', content: 'which groups?' }]));
    const history: MessageParam[] = [
      { role: 'user', content: 'which groups?' },
      { role: 'assistant', content: first.content as MessageParam['content'] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: (first.content.at(-1) as { id: string }).id, content: '[]' }] },
    ];
    expect(await status(client().messages.create(request(tools, history)))).toBe('ok');

    // The search blocks out of order (result before its use) or without their result are refused.
    const blocks = first.content as unknown as Array<Record<string, unknown>>;
    const swapped = [blocks[1], blocks[0], blocks[2]];
    expect(
      await status(client().messages.create(request(tools, [history[0]!, { role: 'assistant', content: swapped as never }, history[2]!]))),
    ).toBe(400);
    expect(
      await status(
        client().messages.create(
          request(tools, [history[0]!, { role: 'assistant', content: [blocks[0], blocks[2]] as never }, history[2]!]),
        ),
      ),
    ).toBe(400);
  });

  it('refuses a tool_reference to a tool the request does not define', async () => {
    const messages: MessageParam[] = [
      { role: 'user', content: 'x' },
      {
        role: 'assistant',
        content: [
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'tool_search_tool_bm25', input: { query: 'x' } },
          {
            type: 'tool_search_tool_result',
            tool_use_id: 'srvtoolu_1',
            content: { type: 'tool_search_tool_search_result', tool_references: [{ type: 'tool_reference', tool_name: 'nope' }] },
          },
          { type: 'text', text: 'none' },
        ],
      },
      { role: 'user', content: 'ok' },
    ];
    expect(await status(client().messages.create(request([...catalog, bm25], messages)))).toBe(400);
  });

  it('a scripted call of an unloaded deferred tool searches for it first (autoSearch); with autoSearch off it is a 500 "fake script error"', async () => {
    fake.enqueue(toolReply([{ name: 'create_tag', input: { title: 'x' } }]));
    const message = await client().messages.create(request([...catalog, bm25]));
    expect(message.content.map((block) => block.type)).toEqual(['server_tool_use', 'tool_search_tool_result', 'tool_use']);
    expect(message.content[0]).toMatchObject({ input: { query: 'create tag' } });

    const strict = await startFakeAnthropic({ autoSearch: false });
    try {
      strict.enqueue(toolReply([{ name: 'get_groups', input: {} }]));
      const strictClient = new Anthropic({ apiKey: 'sk-fake-key', baseURL: strict.url, maxRetries: 0 });
      const error = await strictClient.messages
        .create(request([...catalog, bm25]))
        .catch((caught: unknown) => caught as { status: number; message: string });
      expect(error).toMatchObject({ status: 500 });
      expect(String((error as { message: string }).message)).toMatch(/fake script error/);
    } finally {
      await strict.close();
    }
  });

  it('bills deferred tools only once loaded: eager prefix only, then the loaded definitions where the search sits', async () => {
    fake.enqueue(textReply('a'), textReply('b'));
    const eagerOnly = await client().messages.create(request([...catalog, bm25]));
    const allEager = await client().messages.create(request([...catalog.map(({ defer_loading: _d, ...tool }) => tool), bm25]));
    expect(allEager.usage.input_tokens).toBeGreaterThan(eagerOnly.usage.input_tokens);

    fake.enqueue(searchReply('groups', [{ name: 'get_groups', input: {} }]));
    const searched = await client().messages.create(request([...catalog, bm25]));
    // The loaded definition was read by the model within the same response.
    expect(searched.usage.input_tokens).toBeGreaterThan(eagerOnly.usage.input_tokens);
  });

  it('keeps the cached prefix across a search: turn 2 reads what turn 1 wrote', async () => {
    const tools = [
      ...catalog.slice(0, 3),
      { ...catalog[3]!, cache_control: { type: 'ephemeral' } },
      { ...bm25, cache_control: { type: 'ephemeral' as const } },
    ];
    fake.enqueue(searchReply('groups', [{ name: 'get_groups', input: {} }]), textReply('none'));
    const first = await client().messages.create(request(tools));
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    const history: MessageParam[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: first.content as MessageParam['content'] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: (first.content.at(-1) as { id: string }).id, content: '[]' }] },
    ];
    const second = await client().messages.create(request(tools, history));
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });
});
