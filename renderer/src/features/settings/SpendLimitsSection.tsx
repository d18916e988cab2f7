import { useMemo, useState } from 'react';

import type { SettingsView } from '../../../../shared/types/settings';
import { spendLimitNames, spendLimitsSchema, type SpendLimitName } from '../../../../shared/types/spend';
import { Icon } from '../../components/Icon';
import { useAction } from '../../lib/api/useLive';

const fields: { name: SpendLimitName; label: string; hint: string; flag: string }[] = [
  { name: 'perUserDailyUsd', label: 'Per teammate, per day', hint: 'Resets at midnight.', flag: '--user-daily-usd' },
  { name: 'perUserMonthlyUsd', label: 'Per teammate, per month', hint: 'Resets on the 1st.', flag: '--user-monthly-usd' },
  {
    name: 'gatewayMonthlyUsd',
    label: 'Whole gateway, per month',
    hint: 'Everyone together, your own chat included.',
    flag: '--gateway-monthly-usd',
  },
];

type Draft = Record<SpendLimitName, string>;
const toDraft = (view: SettingsView): Draft =>
  Object.fromEntries(spendLimitNames.map((name) => [name, view.spendLimits[name] === null ? '' : String(view.spendLimits[name])])) as Draft;

/**
 * Spending limits on the shared Anthropic key (settings `spendLimits`): empty = no limit. Saved on
 * its own and applied at once; a limit set by a flag or environment variable is read-only here.
 */
export function SpendLimitsSection({ view }: { view: SettingsView }) {
  const save = useAction('settings.update');
  const [edited, setEdited] = useState<Draft>();
  const [saved, setSaved] = useState(false);
  const draft = edited ?? toDraft(view);
  const parsed = useMemo(() => {
    const values = Object.fromEntries(spendLimitNames.map((name) => [name, draft[name].trim() === '' ? null : Number(draft[name])]));
    return spendLimitsSchema.safeParse(values);
  }, [draft]);
  const errors: Partial<Record<SpendLimitName, string>> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[issue.path[0] as SpendLimitName] ??= issue.message;
  const dirty = edited !== undefined && JSON.stringify(edited) !== JSON.stringify(toDraft(view));
  const locked = (name: SpendLimitName): boolean => view.overridden.includes(`spendLimits.${name}`);
  const submit = async (): Promise<void> => {
    if (!parsed.success) return;
    const result = await save.run({ spendLimits: parsed.data });
    if (result.ok) {
      setEdited(undefined);
      setSaved(true);
    }
  };
  return (
    <section className="settings-section card" aria-label="Spending limits" data-testid="settings-spend">
      <div className="settings-intro">
        <h2>Spending limits</h2>
        <p className="muted">
          Everyone spends your one Anthropic key. A teammate who reaches a limit is refused until it resets (the gateway&apos;s local time);
          at 80% they are warned once. Direct tool mode is free. Leave a box empty for no limit.
        </p>
      </div>
      <div className="settings-fields">
        <div className="field-row field-row-3">
          {fields.map((field) => (
            <label key={field.name} className="field">
              <span className="field-label">
                {field.label}
                {locked(field.name) && (
                  <span className="badge" title={`${field.flag} sets this at start-up`}>
                    <Icon name="lock" size={12} /> set at start-up
                  </span>
                )}
              </span>
              <span className="money-input">
                <span aria-hidden="true">$</span>
                <input
                  type="number"
                  min={0}
                  step="0.01"
                  inputMode="decimal"
                  placeholder="No limit"
                  value={draft[field.name]}
                  disabled={locked(field.name)}
                  onChange={(event) => {
                    setSaved(false);
                    setEdited({ ...draft, [field.name]: event.target.value });
                  }}
                  data-testid={`limit-${field.name}`}
                />
              </span>
              <span className="field-hint">{field.hint}</span>
              {errors[field.name] && <span className="field-error">{errors[field.name]}</span>}
            </label>
          ))}
        </div>
        <div className="section-actions">
          {saved && !dirty && (
            <span className="muted small" role="status">
              <Icon name="check" size={14} /> Saved and applied.
            </span>
          )}
          {save.error && <span className="field-error">{save.error.message}</span>}
          <button
            type="button"
            className="btn btn-primary"
            disabled={!dirty || !parsed.success || save.pending}
            onClick={() => void submit()}
            data-testid="limits-save"
          >
            {save.pending ? 'Saving…' : 'Save limits'}
          </button>
        </div>
      </div>
    </section>
  );
}
