import type { PendingApproval } from './chatState';
import { toolLabel } from './ToolChipView';

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An argument's value: what an id refers to (its title or name) when known, with the id itself below in small type. */
function ArgValue({ value, names }: { value: unknown; names: Record<string, string> | undefined }) {
  const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const named = ids.filter((id) => names?.[id]);
  if (named.length === 0) return <>{display(value)}</>;
  return (
    <>
      <span className="approval-name">{ids.map((id) => names?.[id] ?? id).join(', ')}</span>
      <span className="approval-id">{ids.join(', ')}</span>
    </>
  );
}

/**
 * The assistant asks before changing data: what, with which values, and Deny / Allow — plus
 * "Always allow <tool> this session" when the server can remember it (`onAnswer('always')`).
 *
 * The card never takes focus: someone still typing in the composer must not approve a change
 * with Enter or Space. Answering takes a deliberate act: a click or tap, or moving to a button
 * with Tab first. It is announced politely to screen readers instead.
 */
export function ApprovalCard({ approval, onAnswer }: { approval: PendingApproval; onAnswer: (answer: boolean | 'always') => void }) {
  const args = Object.entries(approval.args);
  const title = approval.title ?? toolLabel(approval.tool);
  return (
    <section
      className={`approval ${approval.destructive ? 'approval-destructive' : ''}`}
      aria-labelledby="approval-title"
      aria-describedby="approval-text"
      aria-live="polite"
    >
      <div className="approval-head">
        <span className="approval-badge">{approval.destructive ? 'Destructive action' : 'Approval needed'}</span>
        <h3 id="approval-title">{title}</h3>
      </div>
      <p className="approval-text" id="approval-text">
        The assistant wants to run this in Tallyfy with your account. Nothing happens until you choose Allow.
      </p>
      {args.length > 0 && (
        <dl className="approval-args">
          {args.map(([key, value]) => (
            <div key={key} className="approval-arg">
              <dt>{key}</dt>
              <dd>
                <ArgValue value={value} names={approval.names} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      <div className="approval-actions">
        <button type="button" className="btn btn-ghost" onClick={() => onAnswer(false)} data-testid="approval-deny">
          Deny
        </button>
        {approval.allowAlways && (
          <button type="button" className="btn btn-ghost approval-always" data-testid="approval-always" onClick={() => onAnswer('always')}>
            Always allow {title} this session
          </button>
        )}
        <button
          type="button"
          className={`btn ${approval.destructive ? 'btn-danger' : 'btn-primary'}`}
          onClick={() => onAnswer(true)}
          data-testid="approval-allow"
        >
          Allow
        </button>
      </div>
      <p className="approval-hint">Typing in the message box never answers this: click a button (or Tab to it).</p>
    </section>
  );
}
