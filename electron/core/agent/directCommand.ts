import { AgentError } from './errors';

/** A direct-mode command: run tools without a model. */
export type DirectCommand = { kind: 'tools' } | { kind: 'tool'; name: string; args: Record<string, unknown> } | { kind: 'help' };

const usage = 'Usage: /tool NAME {"argument": "value"} (the arguments are a JSON object; /tools lists the tools).';

/**
 * Parses `/tools`, `/tool NAME {json}` and `/help`; returns null for anything else (a question for
 * the model). Throws `AGENT_INVALID_INPUT` for a malformed `/tool` command.
 */
export function parseDirectCommand(query: string): DirectCommand | null {
  const text = query.trim();
  if (/^\/tools$/i.test(text)) return { kind: 'tools' };
  if (/^\/help$/i.test(text)) return { kind: 'help' };
  const match = /^\/tool(?![\w-])(?:\s+([^\s{]+))?\s*([\s\S]*)$/i.exec(text);
  if (!match) return null;
  const name = match[1];
  if (!name) throw new AgentError('AGENT_INVALID_INPUT', usage);
  const rest = (match[2] ?? '').trim();
  if (rest === '') return { kind: 'tool', name, args: {} };
  let args: unknown;
  try {
    args = JSON.parse(rest);
  } catch {
    throw new AgentError('AGENT_INVALID_INPUT', `The arguments are not valid JSON. ${usage}`);
  }
  if (!args || typeof args !== 'object' || Array.isArray(args))
    throw new AgentError('AGENT_INVALID_INPUT', `The arguments must be a JSON object. ${usage}`);
  return { kind: 'tool', name, args: args as Record<string, unknown> };
}

/** The markdown help for direct mode. */
export const directHelp = [
  '**Direct mode** runs Tallyfy tools without a model:',
  '',
  '- `/tools` lists the tools you can use',
  '- `/tool NAME {"argument": "value"}` runs one (tools that change data ask for your approval first)',
  '- `clear` empties the conversation',
].join('\n');

/**
 * What a query gets when no Anthropic key is set. Written for the teammate who asked (they cannot
 * set a key); the admin gets the instruction in the admin view and the banner instead.
 */
export const noApiKeyMessage = [
  'Claude is not connected on this gateway yet, so questions in plain words cannot be answered. The person who runs the gateway can connect it by adding an Anthropic API key in its settings.',
  '',
  'Meanwhile you can run Tallyfy tools yourself:',
  '',
  directHelp,
].join('\n');
