import type { ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';

import type { ToolHost, ToolInfo } from '../mcp/toolHost';
import { leanResult } from '../mcp/toolOutput';

import { askApproval, isReadOnly, needsApproval } from './approvals';
import type { Conversation } from './conversation';
import type { AgentEvent, ApprovalPolicy, RequestApproval, ToolCallRecord } from './events';
import type { RequestedCall } from './modelRound';
import { answerForModel, questionFromResult, type AskUser } from './userQuestions';

/** Default cap on one tool result sent to the model: 20,000 characters. */
export const defaultToolResultMaxChars = 20_000;

/** What running a turn's tool calls needs. */
export interface ToolRunContext {
  host: ToolHost;
  byName: ReadonlyMap<string, ToolInfo>;
  conversation: Conversation;
  policy: ApprovalPolicy;
  /** Tools that ask before every call whatever `policy` says, never remembered for the session (the admin's tool policy). */
  alwaysAsk?: ((toolName: string) => boolean) | undefined;
  /** Why a tool left out of the list by the admin's tool policy is refused (told to the model), or undefined. */
  disabledMessage?: ((toolName: string) => string | undefined) | undefined;
  requestApproval: RequestApproval | undefined;
  /** Asks the person an `ask_user_*` tool's question in the client's card; without it the model asks in its reply. */
  askUser?: AskUser | undefined;
  /** Without it the approval hook owns the timeout (the sessions' approval broker). */
  approvalTimeoutMs: number | undefined;
  toolResultMaxChars: number;
  /** Shape successful JSON results for the model ({@link leanResult}); false sends them as the tool wrote them. */
  leanResults: boolean;
  signal: AbortSignal;
  round: number;
  emit: (event: AgentEvent) => void;
  records: ToolCallRecord[];
}

/** Cuts `text` to `max` characters, saying how much was left out. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n…[truncated: ${text.length - max} more characters. Ask for fewer items or a narrower filter.]`;
}

const cancelledBefore = 'Cancelled by the user before this tool ran.';
const cancelledDuring = 'Cancelled by the user while this tool was running; its effect is unknown.';

/** Rejects when `signal` aborts, so a tool host that ignores the signal cannot hold a cancel up. */
function untilAborted(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new Error('cancelled'));
    // Already aborted (e.g. by a listener of tool_started): no abort event will come.
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => onAbort && signal.removeEventListener('abort', onAbort) };
}

/** Runs one approved call and returns its tool_result. */
async function execute(call: RequestedCall, ctx: ToolRunContext): Promise<ToolResultBlockParam> {
  const record: ToolCallRecord = { id: call.id, name: call.name, input: call.input, round: ctx.round, outcome: 'cancelled', durationMs: 0 };
  ctx.records.push(record);
  if (ctx.signal.aborted) return { type: 'tool_result', tool_use_id: call.id, content: cancelledBefore, is_error: true };
  ctx.emit({ type: 'tool_started', round: ctx.round, id: call.id, name: call.name, input: call.input });
  const started = performance.now();
  const abort = untilAborted(ctx.signal);
  try {
    let outcome = await Promise.race([ctx.host.callTool(call.name, call.input, ctx.signal), abort.promise]);
    const question = ctx.askUser && !outcome.isError ? questionFromResult(call.name, outcome.text) : undefined;
    if (question && ctx.askUser) {
      const answer = await Promise.race([ctx.askUser({ ...question, toolName: call.name, callId: call.id }, ctx.signal), abort.promise]);
      outcome = { text: JSON.stringify(answerForModel(question, answer)), isError: false };
    }
    const durationMs = Math.round(performance.now() - started);
    record.durationMs = durationMs;
    record.outcome = outcome.isError ? 'error' : 'ok';
    ctx.emit({ type: 'tool_finished', round: ctx.round, id: call.id, name: call.name, durationMs, isError: outcome.isError });
    // The person's answer is sent as is: leaning would drop `confirmed: false`.
    const content = capText(ctx.leanResults && !outcome.isError && !question ? leanResult(outcome.text) : outcome.text, ctx.toolResultMaxChars);
    return outcome.isError ? { type: 'tool_result', tool_use_id: call.id, content, is_error: true } : { type: 'tool_result', tool_use_id: call.id, content };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    record.durationMs = durationMs;
    if (ctx.signal.aborted) {
      ctx.emit({ type: 'tool_failed', round: ctx.round, id: call.id, name: call.name, durationMs, reason: 'cancelled', message: cancelledDuring });
      return { type: 'tool_result', tool_use_id: call.id, content: cancelledDuring, is_error: true };
    }
    record.outcome = 'error';
    const message = `The tool could not run: ${error instanceof Error ? error.message : String(error)}`;
    ctx.emit({ type: 'tool_failed', round: ctx.round, id: call.id, name: call.name, durationMs, reason: 'error', message });
    return { type: 'tool_result', tool_use_id: call.id, content: message, is_error: true };
  } finally {
    abort.dispose();
  }
}

/** Answers a call that cannot run at all (unknown tool, bad input). */
function refuse(call: RequestedCall, ctx: ToolRunContext, reason: 'unknown_tool' | 'invalid_input', message: string): ToolResultBlockParam {
  ctx.records.push({ id: call.id, name: call.name, input: call.input, round: ctx.round, outcome: 'error', durationMs: 0 });
  ctx.emit({ type: 'tool_failed', round: ctx.round, id: call.id, name: call.name, durationMs: 0, reason, message });
  return { type: 'tool_result', tool_use_id: call.id, content: message, is_error: true };
}

/** Asks for approval when the policy wants it; returns a denial result, or null to go ahead. */
async function approve(call: RequestedCall, info: ToolInfo | undefined, ctx: ToolRunContext): Promise<ToolResultBlockParam | null> {
  const forced = ctx.alwaysAsk?.(call.name) === true;
  if (!forced && (!needsApproval(ctx.policy, info) || ctx.conversation.allowedTools.has(call.name))) return null;
  const hints = info?.annotations ?? {};
  ctx.emit({ type: 'approval_requested', round: ctx.round, toolId: call.id, toolName: call.name, input: call.input, hints });
  const outcome = await askApproval(ctx.requestApproval, { toolName: call.name, toolId: call.id, input: call.input, hints }, ctx.approvalTimeoutMs, ctx.signal);
  ctx.emit({ type: 'approval_resolved', round: ctx.round, toolId: call.id, toolName: call.name, decision: outcome.decision, reason: outcome.reason });
  // Never remembered for a destructive tool, whatever the answer said (each one is asked), nor for an always-ask tool.
  if (outcome.decision === 'always' && hints.destructiveHint !== true && !forced) ctx.conversation.allowedTools.add(call.name);
  if (outcome.decision !== 'deny') return null;
  if (outcome.reason === 'cancelled') {
    ctx.records.push({ id: call.id, name: call.name, input: call.input, round: ctx.round, outcome: 'cancelled', durationMs: 0 });
    return { type: 'tool_result', tool_use_id: call.id, content: cancelledBefore, is_error: true };
  }
  const reason = outcome.reason === 'user' ? 'user' : outcome.reason;
  ctx.emit({ type: 'tool_denied', round: ctx.round, id: call.id, name: call.name, reason });
  ctx.records.push({ id: call.id, name: call.name, input: call.input, round: ctx.round, outcome: 'denied', durationMs: 0 });
  const why =
    reason === 'timeout'
      ? 'The user did not approve this action in time, so it was not run.'
      : reason === 'user'
        ? declinedForModel
        : 'This action needs approval and none could be asked for, so it was not run.';
  return { type: 'tool_result', tool_use_id: call.id, content: why, is_error: true };
}

/** What the model reads when the user said no (never shown to the user: see {@link declinedForUser}). */
export const declinedForModel = 'The user declined to run this action. Do not retry it; tell the user it was not done.';
/** What the user reads when they said no. */
export const declinedForUser = 'You declined this; nothing was changed.';

/**
 * Runs a turn's tool calls and returns one tool_result per call, in the calls' order (always
 * complete, even when cancelled). Consecutive calls that need no approval and are read-only run in
 * parallel; a call that needs approval or writes waits for those before it and runs alone.
 */
export async function runToolCalls(calls: readonly RequestedCall[], ctx: ToolRunContext): Promise<ToolResultBlockParam[]> {
  const results: Array<ToolResultBlockParam | undefined> = new Array(calls.length);
  let batch: Array<Promise<void>> = [];
  const flush = async (): Promise<void> => {
    await Promise.all(batch);
    batch = [];
  };
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i] as RequestedCall;
    const info = ctx.byName.get(call.name);
    if (ctx.signal.aborted) {
      ctx.records.push({ id: call.id, name: call.name, input: call.input, round: ctx.round, outcome: 'cancelled', durationMs: 0 });
      results[i] = { type: 'tool_result', tool_use_id: call.id, content: cancelledBefore, is_error: true };
      continue;
    }
    if (!info) {
      results[i] = refuse(call, ctx, 'unknown_tool', ctx.disabledMessage?.(call.name) ?? `There is no tool named "${call.name}".`);
      continue;
    }
    if (call.inputError) {
      results[i] = refuse(call, ctx, 'invalid_input', call.inputError);
      continue;
    }
    const parallel =
      isReadOnly(info) && ctx.alwaysAsk?.(call.name) !== true && (!needsApproval(ctx.policy, info) || ctx.conversation.allowedTools.has(call.name));
    if (parallel) {
      batch.push(execute(call, ctx).then((result) => void (results[i] = result)));
      continue;
    }
    await flush();
    const denied = await approve(call, info, ctx);
    results[i] = denied ?? (await execute(call, ctx));
  }
  await flush();
  return results.map(
    (result, i) => result ?? { type: 'tool_result', tool_use_id: (calls[i] as RequestedCall).id, content: cancelledBefore, is_error: true },
  );
}
