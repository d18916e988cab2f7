import { describe, expect, it } from 'vitest';

import { parseDirectCommand } from './directCommand';
import { AgentError } from './errors';

describe('parseDirectCommand', () => {
  it('parses /tools, /help and /tool NAME {json}', () => {
    expect(parseDirectCommand('/tools')).toEqual({ kind: 'tools' });
    expect(parseDirectCommand('  /TOOLS ')).toEqual({ kind: 'tools' });
    expect(parseDirectCommand('/help')).toEqual({ kind: 'help' });
    expect(parseDirectCommand('/tool list_tasks')).toEqual({ kind: 'tool', name: 'list_tasks', args: {} });
    expect(parseDirectCommand('/tool get_task {"id": "t1", "n": [1, 2]}')).toEqual({
      kind: 'tool',
      name: 'get_task',
      args: { id: 't1', n: [1, 2] },
    });
    expect(parseDirectCommand('/tool get_task{"id":"t1"}')).toEqual({ kind: 'tool', name: 'get_task', args: { id: 't1' } });
  });

  it('leaves questions alone', () => {
    expect(parseDirectCommand('what are my tasks?')).toBeNull();
    expect(parseDirectCommand('/toolsy')).toBeNull();
    expect(parseDirectCommand('use /tool later')).toBeNull();
  });

  it('refuses a missing name, bad JSON and non-object arguments with AGENT_INVALID_INPUT', () => {
    for (const bad of ['/tool', '/tool x {nope}', '/tool x [1,2]', '/tool x "s"']) {
      expect(() => parseDirectCommand(bad)).toThrow(AgentError);
      try {
        parseDirectCommand(bad);
      } catch (error) {
        expect((error as AgentError).code).toBe('AGENT_INVALID_INPUT');
        expect((error as AgentError).message).toContain('/tool NAME');
      }
    }
  });
});
