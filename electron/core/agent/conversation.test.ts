import { describe, expect, it } from 'vitest';

import { Conversation, type HistoryMessage } from './conversation';

const big = (n: number): string => 'x'.repeat(n);

/** A question answered after one tool round: 4 turns. */
function exchange(conversation: Conversation, id: string, size: number): void {
  conversation.append({ role: 'user', content: `question ${id} ${big(size)}` });
  conversation.append({ role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${id}`, name: 'list_tasks', input: {} }] });
  conversation.append({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${id}`, content: big(size) }] });
  conversation.append({ role: 'assistant', content: `answer ${id}` });
}

function pairsIntact(messages: readonly HistoryMessage[]): boolean {
  const open = new Set<string>();
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'tool_use') open.add(block.id);
      if (block.type === 'tool_result' && !open.delete(block.tool_use_id)) return false; // result without its use
    }
  }
  return open.size === 0;
}

describe('Conversation', () => {
  it('trims whole exchanges from the front to the budget, never splitting tool_use/tool_result', () => {
    const conversation = new Conversation(2_000);
    for (const id of ['a', 'b', 'c', 'd']) exchange(conversation, id, 2_000); // ~1,000 tokens each
    expect(conversation.estimatedTokens).toBeGreaterThan(4_000);
    const dropped = conversation.trim();
    expect(dropped).toBe(12);
    expect(conversation.messages).toHaveLength(4);
    expect(String(conversation.messages[0]?.content)).toMatch(/^question d/);
    expect(pairsIntact(conversation.messages)).toBe(true);
    expect(conversation.estimatedTokens).toBeLessThanOrEqual(2_000);
  });

  it('keeps the latest exchange even when it alone is over budget, and does nothing under budget', () => {
    const conversation = new Conversation(100);
    exchange(conversation, 'a', 50);
    expect(conversation.trim()).toBe(0);
    exchange(conversation, 'b', 5_000);
    conversation.trim();
    expect(String(conversation.messages[0]?.content)).toMatch(/^question b/);
    expect(pairsIntact(conversation.messages)).toBe(true);
  });

  it('never cuts at a user turn that carries tool results (merged with a later question)', () => {
    const conversation = new Conversation(500);
    conversation.append({ role: 'user', content: `q1 ${big(3000)}` });
    conversation.append({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }] });
    conversation.append({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'cancelled' }] });
    conversation.append({ role: 'user', content: 'q2' }); // merged into the tool_result turn
    expect(conversation.messages).toHaveLength(3);
    expect(conversation.messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'cancelled' },
      { type: 'text', text: 'q2' },
    ]);
    conversation.trim();
    expect(pairsIntact(conversation.messages)).toBe(true);
    expect(conversation.messages).toHaveLength(3);
  });

  it('clear empties the history and keeps usage and session approvals; truncate rolls back', () => {
    const conversation = new Conversation();
    exchange(conversation, 'a', 10);
    conversation.allowedTools.add('complete_task');
    conversation.addUsage({ inputTokens: 5, outputTokens: 6, cacheReadTokens: 7, cacheWriteTokens: 8 });
    conversation.truncate(2);
    expect(conversation.messages).toHaveLength(2);
    conversation.clear();
    expect(conversation.messages).toHaveLength(0);
    expect(conversation.estimatedTokens).toBe(0);
    expect(conversation.usage).toEqual({ inputTokens: 5, outputTokens: 6, cacheReadTokens: 7, cacheWriteTokens: 8 });
    expect(conversation.allowedTools.has('complete_task')).toBe(true);
    conversation.resetApprovals();
    expect(conversation.allowedTools.size).toBe(0);
  });
});

describe('Conversation rollback', () => {
  it('undoes a failed query even when it was merged into the previous turn or the history was trimmed since', () => {
    const conversation = new Conversation(300);
    conversation.append({ role: 'user', content: 'q1' });
    conversation.append({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }] });
    const toolTurn: HistoryMessage = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'cancelled' }] };
    conversation.append(toolTurn);
    const mark = conversation.mark();
    conversation.append({ role: 'user', content: 'q2' }); // merged
    conversation.rollback(mark);
    expect(conversation.messages).toHaveLength(3);
    expect(conversation.messages[2]).toBe(toolTurn);

    conversation.append({ role: 'assistant', content: 'a1' });
    for (const id of ['b', 'c']) exchange(conversation, id, 400);
    const before = conversation.mark();
    conversation.append({ role: 'user', content: `q3 ${big(10)}` });
    expect(conversation.trim()).toBeGreaterThan(0);
    conversation.rollback(before);
    expect(String(conversation.messages.at(-1)?.content)).toBe('answer c');
  });

  it('answers a dangling tool_use so the history stays valid', () => {
    const conversation = new Conversation();
    conversation.append({ role: 'user', content: 'q' });
    conversation.append({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'x', input: {} }] });
    conversation.closeDanglingToolUse('Not run.');
    expect(pairsIntact(conversation.messages)).toBe(true);
    conversation.closeDanglingToolUse('again'); // nothing dangling: no change
    expect(conversation.messages).toHaveLength(3);
  });
});

describe('Conversation with tool search blocks', () => {
  const search = (id: string, tool: string): Array<Record<string, unknown>> => [
    { type: 'server_tool_use', id: `srvtoolu_${id}`, name: 'tool_search_tool_bm25', input: { query: tool } },
    {
      type: 'tool_search_tool_result',
      tool_use_id: `srvtoolu_${id}`,
      content: { type: 'tool_search_tool_search_result', tool_references: [{ type: 'tool_reference', tool_name: tool }] },
    },
  ];
  const ask = (conversation: Conversation, id: string, tool: string, size: number, searched: boolean): void => {
    conversation.append({ role: 'user', content: `question ${id} ${big(size)}` });
    conversation.append({
      role: 'assistant',
      content: [...(searched ? search(id, tool) : []), { type: 'tool_use', id: `toolu_${id}`, name: tool, input: {} }] as never,
    });
    conversation.append({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${id}`, content: big(size) }] });
    conversation.append({ role: 'assistant', content: `answer ${id}` });
  };

  it('counts a search result with the definitions it loads', () => {
    const conversation = new Conversation();
    conversation.append({ role: 'user', content: 'q' });
    const before = conversation.estimatedTokens;
    conversation.append({ role: 'assistant', content: search('a', 'get_groups') as never });
    expect(conversation.estimatedTokens - before).toBeGreaterThan(250);
  });

  it('trimming keeps, unchanged and in order, a dropped search whose tool a kept turn still calls', () => {
    const conversation = new Conversation(1_500);
    ask(conversation, 'a', 'get_groups', 2_000, true);
    ask(conversation, 'b', 'get_groups', 2_000, false);
    ask(conversation, 'c', 'get_groups', 2_000, false);
    const searchBlocks = (conversation.messages[1]!.content as unknown as Array<Record<string, unknown>>).slice(0, 2);
    conversation.trim();
    expect(String(conversation.messages[0]?.content)).toMatch(/^question c/);
    const first = conversation.messages[1]!.content as unknown as Array<Record<string, unknown>>;
    expect(first.map((block) => block.type)).toEqual(['server_tool_use', 'tool_search_tool_result', 'tool_use']);
    expect(first.slice(0, 2)).toEqual(searchBlocks);
    expect(pairsIntact(conversation.messages)).toBe(true);
  });

  it('does not carry a search nobody uses any more, nor one a kept turn repeated', () => {
    const conversation = new Conversation(1_500);
    ask(conversation, 'a', 'get_groups', 2_000, true);
    ask(conversation, 'b', 'create_tag', 2_000, true);
    conversation.trim();
    const first = conversation.messages[1]!.content as unknown as Array<Record<string, unknown>>;
    expect(first.filter((block) => block.type === 'server_tool_use')).toHaveLength(1);
    expect(first[0]).toMatchObject({ input: { query: 'create_tag' } });
  });
});
