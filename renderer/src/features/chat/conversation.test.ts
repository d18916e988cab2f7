import { describe, expect, it } from 'vitest';

import type { ChatItem } from './chatState';
import { conversationMarkdown } from './conversation';

describe('conversationMarkdown', () => {
  it('writes questions, answers with their tool calls, notes and errors in order', () => {
    const items: ChatItem[] = [
      { kind: 'user', id: 'u1', text: 'What tasks do I have?', at: 0 },
      {
        kind: 'assistant',
        id: 'q1',
        text: 'Here are your tasks.\n\n- One',
        streaming: false,
        tools: [{ callId: 'c1', tool: 'get_my_tasks', args: {}, status: 'ok', durationMs: 12 }],
        at: 0,
      },
      { kind: 'info', id: 'i1', text: 'Conversation note', at: 0 },
      { kind: 'error', id: 'e1', text: 'Claude is unavailable.', code: 'AGENT_FAILED', at: 0 },
    ];
    const markdown = conversationMarkdown(items, { user: { id: 'u', name: 'Alice', email: 'a@x' }, org: { id: 'o', name: 'Acme' } });
    expect(markdown).toMatch(/^# Tallyfy Assistant conversation\n\nAlice · Acme · exported /);
    const order = [
      '## You',
      'What tasks do I have?',
      '## Assistant',
      '- Tool: `get_my_tasks` (ok, 12 ms)',
      'Here are your tasks.',
      '> Conversation note',
      '> **Error:** Claude is unavailable.',
    ];
    const positions = order.map((part) => markdown.indexOf(part));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('writes each tool call where it happened in the answer', () => {
    const items: ChatItem[] = [
      {
        kind: 'assistant',
        id: 'q1',
        text: 'Let me look.\n\nFound two.',
        streaming: false,
        tools: [{ callId: 'c1', tool: 'get_my_tasks', args: {}, status: 'ok', offset: 'Let me look.'.length }],
        at: 0,
      },
    ];
    const markdown = conversationMarkdown(items, undefined);
    expect(markdown).toContain('Let me look.\n\n- Tool: `get_my_tasks` (ok)\n\nFound two.');
  });
});
