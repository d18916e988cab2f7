import { useState } from 'react';

import type { SecretStatus } from '../../../../shared/types/settings';
import { Icon } from '../../components/Icon';

/**
 * A secret as the admin sees it: set or not, masked, and a way to replace or remove it. The value
 * typed here goes to the core once, on save; the core never sends it back.
 */
export function SecretField({
  label,
  status,
  value,
  onChange,
  placeholder,
  hint,
  error,
  testId,
}: {
  label: string;
  status: SecretStatus;
  /** undefined: unchanged; string: the new value; null: remove. */
  value: string | null | undefined;
  onChange: (value: string | null | undefined) => void;
  placeholder: string;
  hint?: string;
  /** The validation message for a typed value. */
  error?: string | undefined;
  testId?: string;
}) {
  const [editing, setEditing] = useState(!status.set);
  const fromEnvironment = status.source === 'environment';
  return (
    <div className="field">
      <span className="field-label">
        {label}
        {fromEnvironment && (
          <span className="badge" title="An environment variable provides it; it wins over the saved one.">
            <Icon name="lock" size={12} /> environment
          </span>
        )}
      </span>
      {value === null ? (
        <div className="secret-row">
          <span className="muted">Will be removed when you save.</span>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange(undefined)}>
            Undo
          </button>
        </div>
      ) : editing || !status.set ? (
        <div className="secret-row">
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={placeholder}
            value={value ?? ''}
            onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
            data-testid={testId}
          />
          {status.set && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => {
                onChange(undefined);
                setEditing(false);
              }}
            >
              Cancel
            </button>
          )}
        </div>
      ) : (
        <div className="secret-row">
          <code className="masked" data-testid={testId ? `${testId}-masked` : undefined}>
            {status.masked ?? '••••••••'}
          </code>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditing(true)}>
            Replace
          </button>
          {!fromEnvironment && (
            <button type="button" className="btn btn-ghost btn-small danger-hover" onClick={() => onChange(null)}>
              Remove
            </button>
          )}
        </div>
      )}
      {hint && <span className="field-hint">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
