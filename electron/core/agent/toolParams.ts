import type { Tool, ToolSearchToolBm25_20251119, ToolSearchToolRegex20251119 } from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';

import type { ToolHost, ToolInfo } from '../mcp/toolHost';

import type { ToolCatalog } from './conversation';

/**
 * How the agent offers tools to Claude (`GATEWAY_TOOL_LOADING`):
 * - `deferred` (default): the {@link coreToolNames} eager with lean definitions, every other tool
 *   `defer_loading: true` behind Anthropic's tool search tool, which Claude uses to load them.
 * - `all`: every tool eager with its full definition, as before tool search (for models or
 *   platforms without it).
 */
export const toolLoadingSchema = z.enum(['deferred', 'all']);
export type ToolLoading = z.infer<typeof toolLoadingSchema>;

/** Which tool search variant the agent sends: BM25 (natural-language queries, the default) or regex. */
export const toolSearchKindSchema = z.enum(['bm25', 'regex']);
export type ToolSearchKind = z.infer<typeof toolSearchKindSchema>;

/** The `tools` entry of a request: a custom tool or one of the two tool search tools. */
export type ToolParam = Tool | ToolSearchToolBm25_20251119 | ToolSearchToolRegex20251119;

/** Names of the two tool search tools (what `server_tool_use.name` says). */
export const toolSearchNames = new Set(['tool_search_tool_bm25', 'tool_search_tool_regex']);

/**
 * The eager core set: what most teammates need on most turns, chosen from what the scripted
 * conversation (bench §4, docs/agent.md) calls. Everything else is found through tool search.
 * The value is the lean description sent for it (what it does, when, what it returns).
 */
export const coreTools: Readonly<Record<string, string>> = {
  get_my_tasks:
    "The signed-in member's own tasks, soonest deadline first: status, deadline, run_id, assignees. Default incomplete; overdue = deadline passed.",
  get_task: 'One task of a process in full: form fields with answers (ids for update_task), comments.',
  complete_task: 'Completes a task. Approval tasks need is_approved (true approves, false rejects). Returns the task.',
  search_all:
    'Finds templates, processes and tasks by name (optionally steps, form fields); task hits carry run_id. Use it to turn a name into an id.',
  get_organization_runs:
    'Lists processes (runs), newest first, with status, progress, template. Filter by status, template, owner or name.',
  get_process: 'One process (run): status, progress, kick-off answers, its tasks, the next task due, tags.',
  get_all_templates: 'Lists templates (process blueprints): id, title, type, step count. query filters by title.',
  launch_process:
    'Starts a process from a template. kickoff answers are keyed by field label, alias or id (get_kickoff_fields lists them). Returns the process and its tasks.',
};

/** The names of {@link coreTools}, in the order they are sent. */
export const coreToolNames: readonly string[] = Object.keys(coreTools);

const hexIdPattern = '^[0-9a-fA-F]{32}$';
const largestSafe = Number.MAX_SAFE_INTEGER;

/**
 * A JSON schema with what carries no meaning for the model removed: `$schema`, bounds at the
 * largest safe integer, `propertyNames: {type: string}` (JSON keys are strings), an empty
 * `additionalProperties: {}` (the default), and the "32 hexadecimal characters" wording an id's
 * `pattern` already says. Returns a new object; the input is not touched.
 */
export function compactSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(compactSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  const record = schema as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key === '$schema') continue;
    if ((key === 'maximum' || key === 'exclusiveMaximum') && value === largestSafe) continue;
    if ((key === 'minimum' || key === 'exclusiveMinimum') && value === -largestSafe) continue;
    if (key === 'propertyNames' && isPlainStringSchema(value)) continue;
    if (key === 'additionalProperties' && value && typeof value === 'object' && Object.keys(value).length === 0) continue;
    if (key === 'description' && typeof value === 'string' && record.pattern === hexIdPattern) {
      out[key] = value.replace(/: 32 hexadecimal characters(, as returned by other tools)?\./, '.');
      continue;
    }
    // Property maps hold names, not keywords: compact their values only.
    out[key] =
      key === 'properties' && value && typeof value === 'object'
        ? mapValues(value as Record<string, unknown>, compactSchema)
        : compactSchema(value);
  }
  return out;
}

function isPlainStringSchema(value: unknown): boolean {
  return Boolean(value && typeof value === 'object' && Object.keys(value).length === 1 && (value as { type?: unknown }).type === 'string');
}

function mapValues(record: Record<string, unknown>, fn: (value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[key] = fn(value);
  return out;
}

/** The tool search tool entry for `kind`. Never deferred: it is what reveals the rest. */
export function toolSearchTool(kind: ToolSearchKind): ToolSearchToolBm25_20251119 | ToolSearchToolRegex20251119 {
  return kind === 'regex'
    ? { type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' }
    : { type: 'tool_search_tool_bm25_20251119', name: 'tool_search_tool_bm25' };
}

/** Options of {@link buildToolParams}. */
export interface ToolParamsOptions {
  /** Default `deferred`. */
  loading?: ToolLoading;
  /** Default `bm25`. */
  search?: ToolSearchKind;
  /** The eager set in deferred mode (name → lean description). Default {@link coreTools}. */
  core?: Readonly<Record<string, string>>;
}

/**
 * Turns a tool list into the Messages API `tools` parameter, once per conversation, so the cached
 * prefix (tools + system) is byte-identical on every turn and for every teammate with the same tools.
 *
 * - `all`: every tool as listed (full description and schema), the breakpoint on the last one.
 * - `deferred`: the core tools present in `infos` first (lean description, compacted schema), then
 *   every other tool with `defer_loading: true` (full description, which tool search matches on,
 *   compacted schema), then the tool search tool carrying the breakpoint. With no core tool in
 *   `infos` (e.g. an external MCP server) the list falls back to `all`: the API refuses a request
 *   whose every custom tool is deferred.
 */
export function buildToolParams(infos: readonly ToolInfo[], options: ToolParamsOptions = {}): ToolParam[] {
  const loading = options.loading ?? 'deferred';
  const core = options.core ?? coreTools;
  const eager = loading === 'deferred' ? Object.keys(core).filter((name) => infos.some((info) => info.name === name)) : [];
  if (loading === 'all' || eager.length === 0 || eager.length === infos.length) {
    return infos.map((info, index) => {
      const tool: Tool = { name: info.name, description: info.description, input_schema: info.inputSchema as Tool['input_schema'] };
      if (index === infos.length - 1) tool.cache_control = { type: 'ephemeral' };
      return tool;
    });
  }
  const byName = new Map(infos.map((info) => [info.name, info]));
  const params: ToolParam[] = [];
  for (const name of eager) {
    const info = byName.get(name) as ToolInfo;
    params.push({
      name,
      description: core[name] ?? info.description,
      input_schema: compactSchema(info.inputSchema) as Tool['input_schema'],
    });
  }
  for (const info of infos) {
    if (eager.includes(info.name)) continue;
    params.push({
      name: info.name,
      description: info.description,
      input_schema: compactSchema(info.inputSchema) as Tool['input_schema'],
      defer_loading: true,
    });
  }
  params.push({ ...toolSearchTool(options.search ?? 'bm25'), cache_control: { type: 'ephemeral' } });
  return params;
}

/** True for a tool entry the API keeps out of the prompt until a search loads it. */
export const isDeferred = (param: ToolParam): boolean => (param as { defer_loading?: boolean }).defer_loading === true;

/** Lists a host's tools and builds everything the agent needs from them. */
export async function loadCatalog(host: ToolHost, options: ToolParamsOptions = {}): Promise<ToolCatalog> {
  const infos = await host.listTools();
  const params = buildToolParams(infos, options);
  const deferred = new Set(params.filter(isDeferred).map((param) => param.name));
  return { infos, byName: new Map(infos.map((info) => [info.name, info])), params, deferred };
}
