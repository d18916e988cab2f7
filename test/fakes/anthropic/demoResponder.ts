import { lastToolResults, lastUserText, textReply, toolReply, type FakeReply, type FakeRequest } from './replies';

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
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object'
      ? Object.values(value as Record<string, unknown>).find((entry) => Array.isArray(entry))
      : undefined;
  if (!Array.isArray(list)) return `\`\`\`json\n${JSON.stringify(value, null, 2).slice(0, 600)}\n\`\`\``;
  if (list.length === 0) return 'Nothing found.';
  const lines = list.slice(0, 10).map((item) => `- ${label(item)}`);
  if (list.length > 10) lines.push(`- …and ${list.length - 10} more`);
  return `${list.length} found:\n\n${lines.join('\n')}`;
}

/**
 * A generic scripted model for demos and e2e: for a question it calls a read-only-sounding tool whose
 * name suggests listing tasks (when one with no required arguments is offered), then answers with a
 * summary of what the tool returned; without such a tool it answers in plain text.
 */
export function demoResponder(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  if (results.length > 0) {
    const parts = results.map((result) => (result.is_error ? `The tool reported a problem: ${result.content}` : summarise(result.content)));
    return textReply(`Here is what I found.\n\n${parts.join('\n\n')}`);
  }
  const query = lastUserText(request);
  const candidates = (request.body.tools ?? []).filter(
    (candidate) => taskTool.test(candidate.name) && !((candidate.input_schema?.required as unknown[] | undefined)?.length),
  );
  // The user's own tasks first, then a plain task list, then anything else task-listing.
  const rank = (name: string): number => (/my_?tasks/i.test(name) ? 0 : /^list_?tasks$/i.test(name) ? 1 : 2);
  const tool = candidates.sort((a, b) => rank(a.name) - rank(b.name))[0];
  if (tool) return toolReply([{ name: tool.name, input: {} }], 'Let me look that up.');
  return textReply(`(demo model) You asked: "${query.slice(0, 200)}". No task-listing tool was offered, so I can only answer in words.`);
}
