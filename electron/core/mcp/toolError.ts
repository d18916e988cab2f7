import { genericSecrets, type SecretRegistry } from '../log/redact';
import { TallyfyError } from '../tallyfy/errors';

import { DeadlineParseError } from './deadline';
import { ToolInputError, ToolLookupError, type Tool } from './defineTool';

/** Tallyfy's wording when a rule or another step's deadline protects the object (a 403 that is not about permissions). */
const ruleRefusal = /\b(automation|rule|depends on|used by)\b/i;

/**
 * The text of a failed tool call, for the model to act on: what could not be done, Tallyfy's
 * status, message and field errors, and what to do. Scrubbed of every registered secret and
 * credential-looking text; never a stack trace.
 */
export function toolErrorText(tool: Pick<Tool, 'title'>, error: unknown, secrets: SecretRegistry = genericSecrets): string {
  const what = `Could not ${tool.title.charAt(0).toLowerCase()}${tool.title.slice(1)}`;
  let text: string;
  if (error instanceof TallyfyError && error.code === 'FORBIDDEN' && ruleRefusal.test(error.tallyfyMessage ?? '')) {
    // A 403 caused by a rule or a dependent step is not a permission problem: say what to change instead.
    text = `${what} — Tallyfy refused it (${error.status}): ${(error.tallyfyMessage ?? '').replace(/\.$/, '')}. An automation rule or another step depends on this; change or delete that first (get_step_dependencies shows which).`;
    text += ` (error code ${error.code})`;
  } else if (error instanceof TallyfyError) {
    // The client's message already carries the status, Tallyfy's message, field errors and advice.
    text = `${what} — ${error.message}`;
    const code = error.apiCode ? `${error.code}/${error.apiCode}` : error.code;
    text += ` (error code ${code})`;
  } else if (error instanceof ToolInputError || error instanceof ToolLookupError || error instanceof DeadlineParseError) {
    text = `${what} — ${error.message}`;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    text = `${what} — unexpected error: ${message}`;
  }
  return genericSecrets.scrub(secrets.scrub(text));
}
