/**
 * Old-client compatibility, in one file: the original server's text commands (`quit`, `clear`),
 * approval questions asked in an `info` and answered by a `yes`/`no`/`always` query, and the
 * `info` notices sent instead of extension messages a client did not negotiate.
 */
import { randomUUID } from 'node:crypto';

import { approvalAnswers, queryCommands, type ServerMessage } from '../../../shared/protocol';
import type { PendingApproval } from '../sessions/approvalBroker';
import type { ApprovalAnswer } from '../sessions/engine';
import type { Session } from '../sessions/session';

/** How to answer a plain-text approval question. */
export function replyHint(approval: Pick<PendingApproval, 'tool' | 'allowAlways'>): string {
  return approval.allowAlways
    ? `Reply "yes" to allow it, "always" to allow ${approval.tool} for the rest of this session, or "no" to refuse.`
    : 'Reply "yes" to allow it or "no" to refuse.';
}

function describeArgs(args: Record<string, unknown>, names: Record<string, string> = {}): string {
  const parts = Object.entries(args)
    .slice(0, 6)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? (names[value] ?? value) : JSON.stringify(value)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The approval question in words (both the `approval_request` message and the text question start with it). */
export function approvalQuestion(approval: PendingApproval): string {
  const what = `${approval.title ?? approval.tool}${describeArgs(approval.args, approval.names)}`;
  return `The assistant wants to ${approval.destructive ? 'run a destructive action' : 'make a change'}: **${what}**.`;
}

/** The question for a client without the `approvals` extension: an `info` answered by a yes/no query. */
export function textApprovalQuestion(approval: PendingApproval): ServerMessage {
  return { type: 'info', code: 'approval_needed', message: `${approvalQuestion(approval)} ${replyHint(approval)}` };
}

/** What a text answer did. */
export function textApprovalOutcome(tool: string, answer: ApprovalAnswer): ServerMessage {
  return {
    type: 'info',
    code: answer === 'deny' ? 'denied' : 'approved',
    message:
      answer === 'always'
        ? `Approved: running ${tool}, and it will not ask again in this session.`
        : answer === 'allow'
          ? `Approved: running ${tool}.`
          : `Refused: ${tool} will not run.`,
  };
}

/** `cancelled` for a client without the `cancel` extension. */
export const cancelledNotice: ServerMessage = { type: 'info', code: 'cancelled', message: 'Query cancelled.' };

/** `idle_warning` for a client without the `idle` extension. */
export function idleNotice(message: string): ServerMessage {
  return { type: 'info', code: 'idle_warning', message };
}

/** The answer a query's text gives to a plain-text approval question, if it is one. */
function textAnswer(command: string, approval: PendingApproval): ApprovalAnswer | undefined {
  if ((approvalAnswers.yes as readonly string[]).includes(command)) return 'allow';
  if ((approvalAnswers.always as readonly string[]).includes(command)) return approval.allowAlways ? 'always' : 'allow';
  if ((approvalAnswers.no as readonly string[]).includes(command)) return 'deny';
  return undefined;
}

/**
 * Handles a `query`'s text: `quit` ends the session; while a question was asked in text, a
 * yes/no/always answers it (anything else is refused with `APPROVAL_PENDING`); `clear` empties
 * the history; anything else goes to the assistant.
 */
export async function handleQueryText(
  session: Session,
  askedInText: (requestId: string) => boolean,
  content: string,
  queryId: string = randomUUID(),
): Promise<void> {
  const command = content.trim().toLowerCase();
  if (command === queryCommands.quit) return session.end('quit');
  const pending = session.pendingApproval;
  if (pending && askedInText(pending.requestId)) {
    const answer = textAnswer(command, pending);
    if (answer) return session.answerApproval(pending.requestId, answer);
    session.touch();
    return session.reportError('APPROVAL_PENDING', `Waiting for your answer about ${pending.tool}: ${replyHint(pending)}`, queryId);
  }
  if (command === queryCommands.clear) return session.clearHistory(queryId);
  await session.ask(content, queryId);
}
