import { useMemo, useState } from 'react';

import type { SettingsView } from '../../../../shared/types/settings';
import { toolPolicyRoles, type ToolPolicyRole } from '../../../../shared/types/spend';
import { Icon } from '../../components/Icon';
import { useAction } from '../../lib/api/useLive';
import { useRoute } from '../../lib/api/useRoute';

import { draftToPolicy, policyToDraft, type PolicyDraft, type RoleRuleChoice, type ToolRuleChoice } from './toolPolicyDraft';

const roleLabels: Record<ToolPolicyRole, string> = { admin: 'Admins', standard: 'Standard', light: 'Light' };

/**
 * The tool policy editor (settings `toolPolicy`): every tool with its read-only / destructive
 * marks, allowed, always asked about, or disabled, for everyone and per Tallyfy role. Saved on its
 * own; running sessions follow it from their next query.
 */
export function ToolPolicySection({ view }: { view: SettingsView }) {
  const catalog = useRoute('tools.list', {});
  const save = useAction('settings.update');
  const [edited, setEdited] = useState<PolicyDraft>();
  const [filter, setFilter] = useState('');
  const [saved, setSaved] = useState(false);
  const tools = useMemo(() => catalog.data?.tools ?? [], [catalog.data]);
  const original = useMemo(
    () =>
      policyToDraft(
        view.toolPolicy,
        tools.map((tool) => tool.name),
      ),
    [view.toolPolicy, tools],
  );
  const draft = edited ?? original;
  const policy = useMemo(() => draftToPolicy(draft), [draft]);
  const dirty = JSON.stringify(policy) !== JSON.stringify(draftToPolicy(original));
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const needle = filter.trim().toLowerCase();
  const rows = Object.keys(draft)
    .filter((name) => !needle || name.includes(needle) || (byName.get(name)?.title.toLowerCase().includes(needle) ?? false))
    .sort((a, b) => (byName.get(a)?.area ?? '~').localeCompare(byName.get(b)?.area ?? '~') || a.localeCompare(b));
  const counts = { disabled: policy.disabled.length, ask: policy.alwaysAsk.length, roles: Object.keys(policy.byRole).length };
  const change = (name: string, key: 'everyone' | ToolPolicyRole, value: string): void => {
    setSaved(false);
    const row = draft[name]!;
    setEdited({ ...draft, [name]: { ...row, [key]: value } });
  };
  const submit = async (): Promise<void> => {
    const result = await save.run({ toolPolicy: policy });
    if (result.ok) {
      setEdited(undefined);
      setSaved(true);
    }
  };
  return (
    <section className="settings-section settings-wide card" aria-label="Tool policy" data-testid="settings-tool-policy">
      <div className="settings-intro">
        <h2>Tool policy</h2>
        <p className="muted">
          What the assistant may do on your watch. A disabled tool is never offered to Claude and is refused on the MCP port; &ldquo;Always
          ask&rdquo; asks the teammate before every call, even when approvals are off. Role columns add rules for teammates with that
          Tallyfy role.
        </p>
        <p className="muted small">
          {counts.disabled} disabled · {counts.ask} always ask
          {counts.roles ? ` · rules for ${counts.roles} role${counts.roles === 1 ? '' : 's'}` : ''}
        </p>
      </div>
      <div className="settings-fields policy-fields">
        <div className="policy-toolbar">
          <input
            type="search"
            placeholder="Filter tools"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            aria-label="Filter tools"
          />
          {saved && !dirty && (
            <span className="muted small" role="status">
              <Icon name="check" size={14} /> Saved; sessions follow it from their next question.
            </span>
          )}
          {save.error && <span className="field-error">{save.error.message}</span>}
          <button
            type="button"
            className="btn btn-primary"
            disabled={!dirty || save.pending}
            onClick={() => void submit()}
            data-testid="policy-save"
          >
            {save.pending ? 'Saving…' : 'Save policy'}
          </button>
        </div>
        {catalog.error && <div className="callout callout-danger">Could not list the tools: {catalog.error.message}</div>}
        <div className="table-scroll">
          <table className="mini-table policy-table">
            <thead>
              <tr>
                <th>Tool</th>
                <th>Everyone</th>
                {toolPolicyRoles.map((role) => (
                  <th key={role}>{roleLabels[role]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((name) => {
                const tool = byName.get(name);
                const row = draft[name]!;
                return (
                  <tr key={name} className={row.everyone === 'disabled' ? 'policy-off' : undefined} data-tool={name}>
                    <td>
                      <span className="mono">{name}</span>
                      {tool?.readOnly && <span className="badge">read-only</span>}
                      {tool?.destructive && <span className="badge badge-danger">destructive</span>}
                      {!tool && <span className="badge">not offered by this server</span>}
                      {tool && <div className="muted small">{tool.title}</div>}
                    </td>
                    <td>
                      <select
                        value={row.everyone}
                        onChange={(event) => change(name, 'everyone', event.target.value as ToolRuleChoice)}
                        aria-label={`${name} for everyone`}
                      >
                        <option value="allow">Allowed</option>
                        <option value="ask">Always ask</option>
                        <option value="disabled">Disabled</option>
                      </select>
                    </td>
                    {toolPolicyRoles.map((role) => (
                      <td key={role}>
                        <select
                          value={row[role]}
                          disabled={row.everyone === 'disabled'}
                          onChange={(event) => change(name, role, event.target.value as RoleRuleChoice)}
                          aria-label={`${name} for ${roleLabels[role]}`}
                        >
                          <option value="inherit">As everyone</option>
                          <option value="ask">Always ask</option>
                          <option value="disabled">Disabled</option>
                        </select>
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
