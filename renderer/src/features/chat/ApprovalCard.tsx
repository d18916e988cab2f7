import { useEffect, useRef } from 'react';

import type { PendingApproval } from './chatState';
import { toolLabel } from './ToolChipView';

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The assistant asks before changing data: what, with which values, and Deny / Allow — plus
 * "Always allow <tool> this session" when the server can remember it (`onAnswer('always')`).
 */
export function ApprovalCard({ approval, onAnswer }: { approval: PendingApproval; onAnswer: (answer: boolean | 'always') => void }) {
  const allow = useRef<HTMLButtonElement>(null);
  useEffect(() => allow.current?.focus(), [approval.requestId]);
  const args = Object.entries(approval.args);
  return (
    <div className={`approval ${approval.destructive ? 'approval-destructive' : ''}`} role="alertdialog" aria-labelledby="approval-title">
      <div className="approval-head">
        <span className="approval-badge">{approval.destructive ? 'Destructive action' : 'Approval needed'}</span>
        <h3 id="approval-title">{approval.title ?? toolLabel(approval.tool)}</h3>
      </div>
      <p className="approval-text">The assistant wants to run this in Tallyfy with your account. Nothing happens until you allow it.</p>
      {args.length > 0 && (
        <dl className="approval-args">
          {args.map(([key, value]) => (
            <div key={key} className="approval-arg">
              <dt>{key}</dt>
              <dd>{display(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="approval-actions">
        <button type="button" className="btn btn-ghost" onClick={() => onAnswer(false)}>
          Deny
        </button>
        {approval.allowAlways && (
          <button type="button" className="btn btn-ghost approval-always" data-testid="approval-always" onClick={() => onAnswer('always')}>
            Always allow {approval.title ?? toolLabel(approval.tool)} this session
          </button>
        )}
        <button
          type="button"
          ref={allow}
          className={`btn ${approval.destructive ? 'btn-danger' : 'btn-primary'}`}
          onClick={() => onAnswer(true)}
        >
          Allow
        </button>
      </div>
    </div>
  );
}
