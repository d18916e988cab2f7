/**
 * The tool search tool as the Messages API runs it server-side (`tool_search_tool_bm25_20251119`,
 * `tool_search_tool_regex_20251119`): a search over the DEFERRED tools of a request, matching names,
 * descriptions, and argument names and descriptions, returning up to {@link maxSearchResults}
 * `tool_reference`s.
 */
import type { FakeMessagesBody, FakeTool } from './replies';

/** Most references one search returns (the API returns "3–5 most relevant tools"). */
export const maxSearchResults = 5;

/** Longest regex pattern the regex variant accepts (characters). */
export const maxRegexLength = 200;

/** The two search tool types and the `name` each one goes by. */
export const searchToolTypes: Readonly<Record<string, 'tool_search_tool_bm25' | 'tool_search_tool_regex'>> = {
  tool_search_tool_bm25_20251119: 'tool_search_tool_bm25',
  tool_search_tool_bm25: 'tool_search_tool_bm25',
  tool_search_tool_regex_20251119: 'tool_search_tool_regex',
  tool_search_tool_regex: 'tool_search_tool_regex',
};

/** True for a tool search tool entry (by `type`). */
export const isSearchTool = (tool: FakeTool): boolean => typeof tool.type === 'string' && tool.type in searchToolTypes;

/** True for an entry sent with `defer_loading: true`. */
export const isDeferredTool = (tool: FakeTool): boolean => tool.defer_loading === true;

/** The search variant a request offers, or null when it sends no search tool. */
export function searchKind(body: FakeMessagesBody): 'bm25' | 'regex' | null {
  const tool = body.tools?.find(isSearchTool);
  if (!tool) return null;
  return searchToolTypes[String(tool.type)] === 'tool_search_tool_regex' ? 'regex' : 'bm25';
}

/** What tool search reads of a tool: its name, description, and each argument's name and description. */
export function searchableText(tool: FakeTool): string {
  const parts = [tool.name, tool.description ?? ''];
  const collect = (schema: unknown): void => {
    if (!schema || typeof schema !== 'object') return;
    const properties = (schema as { properties?: Record<string, unknown> }).properties;
    if (!properties || typeof properties !== 'object') return;
    for (const [name, value] of Object.entries(properties)) {
      parts.push(name);
      const description = (value as { description?: unknown } | null)?.description;
      if (typeof description === 'string') parts.push(description);
      collect(value);
      collect((value as { items?: unknown } | null)?.items);
    }
  };
  collect(tool.input_schema);
  return parts.join('\n');
}

/** Lower-case word tokens; snake_case names split into their words. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** The outcome of one search: tool names, or an error as the API reports it in the result block. */
export type SearchOutcome = { ok: true; names: string[] } | { ok: false; errorCode: 'invalid_tool_input'; message: string };

/** Okapi BM25 (k1 1.2, b 0.75) over the tools' searchable text; tools scoring 0 are left out. */
export function bm25Search(tools: readonly FakeTool[], query: string, limit = maxSearchResults): string[] {
  const terms = [...new Set(words(query))];
  if (terms.length === 0) return [];
  const docs = tools.map((tool) => ({ name: tool.name, words: words(searchableText(tool)) }));
  const averageLength = docs.reduce((sum, doc) => sum + doc.words.length, 0) / Math.max(1, docs.length);
  const documentFrequency = new Map<string, number>();
  for (const term of terms) documentFrequency.set(term, docs.filter((doc) => doc.words.includes(term)).length);
  const scored = docs.map((doc, index) => {
    let score = 0;
    for (const term of terms) {
      const frequency = doc.words.filter((word) => word === term).length;
      if (frequency === 0) continue;
      const df = documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
      score += (idf * frequency * 2.2) / (frequency + 1.2 * (0.25 + (0.75 * doc.words.length) / averageLength));
    }
    return { name: doc.name, score, index };
  });
  return scored
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit)
    .map((entry) => entry.name);
}

/**
 * Python `re.search` over the tools' searchable text (a leading `(?i)` makes it case-insensitive,
 * as in Python); at most {@link maxRegexLength} characters.
 */
export function regexSearch(tools: readonly FakeTool[], pattern: string, limit = maxSearchResults): SearchOutcome {
  if (pattern.length > maxRegexLength)
    return { ok: false, errorCode: 'invalid_tool_input', message: `Pattern exceeds the ${maxRegexLength}-character limit.` };
  let flags = '';
  let source = pattern;
  if (source.startsWith('(?i)')) {
    flags = 'i';
    source = source.slice(4);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch {
    return { ok: false, errorCode: 'invalid_tool_input', message: `Invalid regular expression: ${pattern}` };
  }
  return {
    ok: true,
    names: tools
      .filter((tool) => regex.test(searchableText(tool)))
      .slice(0, limit)
      .map((tool) => tool.name),
  };
}

/** Runs the request's search variant over its deferred tools. */
export function runToolSearch(body: FakeMessagesBody, query: string): SearchOutcome {
  const deferred = (body.tools ?? []).filter((tool) => isDeferredTool(tool) && !isSearchTool(tool));
  if (typeof query !== 'string' || query.trim() === '')
    return { ok: false, errorCode: 'invalid_tool_input', message: 'query must be a non-empty string.' };
  return searchKind(body) === 'regex' ? regexSearch(deferred, query) : { ok: true, names: bm25Search(deferred, query) };
}

/**
 * The tools a history has loaded before message `upTo` (exclusive) and block `blockUpTo` of it:
 * every `tool_reference` in a `tool_search_tool_result` (or a client `tool_result`) seen so far.
 */
export function loadedTools(body: FakeMessagesBody, upTo = Number.POSITIVE_INFINITY, blockUpTo = Number.POSITIVE_INFINITY): Set<string> {
  const loaded = new Set<string>();
  const messages = body.messages ?? [];
  for (let i = 0; i < messages.length && i <= upTo; i++) {
    const content = messages[i]?.content;
    if (!Array.isArray(content)) continue;
    const end = i === upTo ? blockUpTo : content.length;
    for (let j = 0; j < end && j < content.length; j++) for (const name of references(content[j])) loaded.add(name);
  }
  return loaded;
}

/** The tool names a content block references (`tool_search_tool_result` or a `tool_result` holding `tool_reference`s). */
export function references(block: Record<string, unknown> | undefined): string[] {
  if (!block) return [];
  if (block.type === 'tool_search_tool_result') {
    const content = block.content as { type?: string; tool_references?: Array<{ tool_name?: unknown }> } | undefined;
    if (content?.type !== 'tool_search_tool_search_result' || !Array.isArray(content.tool_references)) return [];
    return content.tool_references.map((reference) => String(reference.tool_name));
  }
  if (block.type === 'tool_result' && Array.isArray(block.content)) {
    return (block.content as Array<{ type?: string; tool_name?: unknown }>)
      .filter((part) => part.type === 'tool_reference')
      .map((part) => String(part.tool_name));
  }
  return [];
}
