import {
  lastToolResults,
  lastUserText,
  resultItems,
  searchReply,
  textReply,
  toolReply,
  type FakeReply,
  type FakeRequest,
  type FakeTool,
} from './replies';
import { bm25Search, isDeferredTool, isSearchTool, loadedTools, searchKind, words } from './toolSearch';

const taskTool = /(^|_)(list|search|get)_?.*tasks?$|tasks?_?(list|search)/i;

function label(item: unknown): string {
  if (!item || typeof item !== 'object') return String(item);
  const record = item as Record<string, unknown>;
  const name = [record.title, record.name, record.summary, record.id].find((value) => typeof value === 'string' && value !== '');
  const status = typeof record.status === 'string' ? ` (${record.status})` : '';
  return `${String(name ?? JSON.stringify(item).slice(0, 60))}${status}`;
}

/** Summarises a tool's text output in a few markdown lines. */
export function summarise(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.length > 400 ? `${text.slice(0, 400)}…` : text;
  }
  const holdsList =
    Array.isArray(value) ||
    (value !== null &&
      typeof value === 'object' &&
      Object.values(value).some((entry) => Array.isArray(entry) || (entry !== null && typeof entry === 'object' && 'rows' in entry)));
  const list = holdsList || (value !== null && typeof value === 'object' && 'rows' in value) ? resultItems(text) : undefined;
  if (!Array.isArray(list)) return `\`\`\`json\n${JSON.stringify(value, null, 2).slice(0, 600)}\n\`\`\``;
  if (list.length === 0) return 'Nothing found.';
  const lines = list.slice(0, 10).map((item) => `- ${label(item)}`);
  if (list.length > 10) lines.push(`- …and ${list.length - 10} more`);
  return `${list.length} found:\n\n${lines.join('\n')}`;
}

/** Reading tools a demo may call without arguments: get_/list_/search_ names with nothing required. */
const callableWithoutArguments = (tool: FakeTool): boolean =>
  !isSearchTool(tool) && /^(get|list)_/.test(tool.name) && !(tool.input_schema?.required as unknown[] | undefined)?.length;

/**
 * A generic scripted model for demos and e2e. A question about tasks calls a task-listing tool with
 * no required arguments (the user's own tasks first); any other question calls the reading tool,
 * eager or deferred, that best matches its words (BM25 over names, descriptions and arguments). A
 * deferred tool not loaded yet is first found with the request's tool search tool, as Claude does:
 * the reply streams `server_tool_use` and `tool_search_tool_result`, then the call. With tool
 * results in the last turn it summarises them; with nothing to call it answers in plain words.
 */
export function demoResponder(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  if (results.length > 0) {
    const parts = results.map((result) => (result.is_error ? `The tool reported a problem: ${result.content}` : summarise(result.content)));
    return textReply(`Here is what I found.\n\n${parts.join('\n\n')}`);
  }
  const query = lastUserText(request);
  const tools = request.body.tools ?? [];
  const canSearch = searchKind(request.body) !== null;
  const usable = tools.filter((tool) => callableWithoutArguments(tool) && (canSearch || !isDeferredTool(tool)));
  const candidates = usable.filter((candidate) => taskTool.test(candidate.name));
  // The user's own tasks first, then a plain task list, then anything else task-listing.
  const rank = (name: string): number => (/my_?tasks/i.test(name) ? 0 : /^list_?tasks$/i.test(name) ? 1 : 2);
  const taskQuestion = /\btasks?\b|\bto-?dos?\b|\bdue\b|overdue/i.test(query) || !usable.some((tool) => !taskTool.test(tool.name));
  // A tool whose name holds a word of the question ("groups" → get_groups) beats one that only mentions it.
  const asked = new Set(words(query).flatMap((word) => [word, word.replace(/s$/, '')]));
  const named = usable.filter((tool) => words(tool.name).some((word) => word.length > 3 && asked.has(word)));
  const pool = named.length > 0 ? named : usable;
  const best = taskQuestion
    ? candidates.sort((a, b) => rank(a.name) - rank(b.name))[0]
    : pool.find((tool) => tool.name === bm25Search(pool, query, 1)[0]);
  const tool = best ?? candidates.sort((a, b) => rank(a.name) - rank(b.name))[0];
  if (!tool)
    return textReply(`(demo model) You asked: "${query.slice(0, 200)}". No tool without arguments fits, so I can only answer in words.`);
  if (isDeferredTool(tool) && !loadedTools(request.body).has(tool.name)) {
    return searchReply(tool.name.replace(/_/g, ' '), [{ name: tool.name, input: {} }], 'Let me find the right tool for that.');
  }
  return toolReply([{ name: tool.name, input: {} }], 'Let me look that up.');
}
