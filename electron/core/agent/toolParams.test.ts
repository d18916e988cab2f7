import { describe, expect, it } from 'vitest';

import type { ToolInfo } from '../mcp/toolHost';

import { buildToolParams, compactSchema, coreToolNames, isDeferred } from './toolParams';

const info = (name: string, description = `${name} does things.`): ToolInfo => ({
  name,
  description,
  inputSchema: {
    type: 'object',
    properties: {
      id: {
        type: 'string',
        pattern: '^[0-9a-fA-F]{32}$',
        description: 'The task id: 32 hexadecimal characters, as returned by other tools.',
      },
      kickoff: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: {}, description: 'Answers.' },
      owner: { type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    },
    required: ['id'],
    $schema: 'http://json-schema.org/draft-07/schema#',
  },
});
const infos = [info('get_my_tasks'), info('get_groups'), info('complete_task'), info('create_tag')];

describe('buildToolParams', () => {
  it('deferred: core tools eager with lean descriptions, the rest defer_loading, the search tool last (never deferred) with the one breakpoint', () => {
    const params = buildToolParams(infos);
    expect(params.map((param) => [param.name, isDeferred(param)])).toEqual([
      ['get_my_tasks', false],
      ['complete_task', false],
      ['get_groups', true],
      ['create_tag', true],
      ['tool_search_tool_bm25', false],
    ]);
    expect(params.at(-1)).toEqual({
      type: 'tool_search_tool_bm25_20251119',
      name: 'tool_search_tool_bm25',
      cache_control: { type: 'ephemeral' },
    });
    expect(params.filter((param) => param.cache_control)).toHaveLength(1);
    expect((params[0] as { description: string }).description).not.toBe(infos[0]!.description);
    // Deferred tools keep their full description: tool search matches on it.
    expect((params[2] as { description: string }).description).toBe(infos[1]!.description);
    expect(buildToolParams(infos, { search: 'regex' }).at(-1)).toMatchObject({
      type: 'tool_search_tool_regex_20251119',
      name: 'tool_search_tool_regex',
    });
  });

  it('is byte-identical for every conversation and teammate with the same tools (the cached prefix)', () => {
    expect(JSON.stringify(buildToolParams(infos))).toBe(JSON.stringify(buildToolParams(infos.map((entry) => ({ ...entry })))));
  });

  it('all: every tool eager as listed, full definitions, breakpoint on the last (as before tool search)', () => {
    const params = buildToolParams(infos, { loading: 'all' });
    expect(params.map((param) => param.name)).toEqual(infos.map((entry) => entry.name));
    expect(params.some(isDeferred)).toBe(false);
    expect(params[0]).toEqual({ name: 'get_my_tasks', description: infos[0]!.description, input_schema: infos[0]!.inputSchema });
    expect(params.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
  });

  it('falls back to all when no core tool is present (an external MCP server): the API refuses an all-deferred list', () => {
    const external = [info('alpha'), info('beta')];
    expect(buildToolParams(external).some(isDeferred)).toBe(false);
  });

  it('names a core set of at most 10 tools', () => {
    expect(coreToolNames.length).toBeGreaterThan(3);
    expect(coreToolNames.length).toBeLessThanOrEqual(10);
  });
});

describe('compactSchema', () => {
  it('drops what carries no meaning and says nothing twice, keeping every constraint', () => {
    const compact = compactSchema(infos[0]!.inputSchema) as Record<string, unknown>;
    expect(compact).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^[0-9a-fA-F]{32}$', description: 'The task id.' },
        kickoff: { type: 'object', description: 'Answers.' },
        owner: { type: 'integer', exclusiveMinimum: 0 },
      },
      required: ['id'],
    });
    // The input is untouched.
    expect(infos[0]!.inputSchema.$schema).toBeDefined();
  });

  it('leaves a property literally named like a keyword alone', () => {
    expect(compactSchema({ type: 'object', properties: { $schema: { type: 'string' }, maximum: { type: 'number' } } })).toEqual({
      type: 'object',
      properties: { $schema: { type: 'string' }, maximum: { type: 'number' } },
    });
  });
});
