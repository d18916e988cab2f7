import type { ToolInfo } from '../mcp/toolHost';

import type { ApprovalDecision, ApprovalPolicy, RequestApproval } from './events';

/** True when a tool is read-only: its `readOnlyHint` annotation is exactly `true`. */
export const isReadOnly = (info: ToolInfo | undefined): boolean => info?.annotations?.readOnlyHint === true;

/** Whether `policy` asks before running this tool (ignoring session approvals). */
export function needsApproval(policy: ApprovalPolicy, info: ToolInfo | undefined): boolean {
  if (policy === 'never') return false;
  if (policy === 'all') return true;
  return !isReadOnly(info);
}

/** The outcome of asking. */
export interface ApprovalOutcome {
  decision: ApprovalDecision;
  reason: 'user' | 'timeout' | 'no_approver' | 'error' | 'cancelled';
}

/**
 * Asks the hook and waits at most `timeoutMs`; no answer in time, no hook, or a rejected hook count
 * as a denial. The hook's signal is aborted when the answer stops mattering (timeout or cancel).
 */
export async function askApproval(
  hook: RequestApproval | undefined,
  request: Omit<Parameters<RequestApproval>[0], 'signal'>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ApprovalOutcome> {
  if (!hook) return { decision: 'deny', reason: 'no_approver' };
  if (signal.aborted) return { decision: 'deny', reason: 'cancelled' };
  const withdraw = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<ApprovalOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ decision: 'deny', reason: 'timeout' }), timeoutMs);
      onAbort = () => resolve({ decision: 'deny', reason: 'cancelled' });
      signal.addEventListener('abort', onAbort, { once: true });
      hook({ ...request, signal: withdraw.signal }).then(
        (decision) =>
          resolve(
            decision === 'allow' || decision === 'allow_session' || decision === 'deny'
              ? { decision, reason: 'user' }
              : { decision: 'deny', reason: 'error' },
          ),
        () => resolve({ decision: 'deny', reason: 'error' }),
      );
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    withdraw.abort();
  }
}
