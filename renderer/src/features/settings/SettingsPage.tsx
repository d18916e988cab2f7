import { useMemo, useState, type ReactNode } from 'react';

import { modelSuggestions } from '../../../../shared/types/models';
import {
  settingsUpdateSchema,
  type ApprovalPolicy,
  type EditableSettings,
  type SettingsUpdate,
  type SettingsUpdateResult,
  type SettingsView,
} from '../../../../shared/types/settings';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { PageLoading } from '../../components/PageLoading';
import { useAction, useLiveRoute } from '../../lib/api/useLive';
import { useRoute } from '../../lib/api/useRoute';

import { SecretField } from './SecretField';
import { SpendLimitsSection } from './SpendLimitsSection';
import { ToolPolicySection } from './ToolPolicySection';

interface Draft {
  host: string;
  /** Encrypt (HTTPS/WSS): false only when TLS is turned off. */
  tls: boolean;
  port: string;
  mcpPort: string;
  accessCode: string;
  allowedOrgs: string;
  idleTimeoutMinutes: string;
  approvalPolicy: ApprovalPolicy;
  anthropicModel: string;
  tallyfyOrgId: string;
  anthropicApiKey: string | null | undefined;
  tallyfyApiKey: string | null | undefined;
}

const toDraft = (view: SettingsView): Draft => ({
  host: view.host,
  tls: view.tls !== false,
  port: String(view.port),
  mcpPort: String(view.mcpPort),
  accessCode: view.accessCode ?? '',
  allowedOrgs: view.allowedOrgs.join('\n'),
  idleTimeoutMinutes: String(view.idleTimeoutMinutes),
  approvalPolicy: view.approvalPolicy,
  anthropicModel: view.anthropicModel,
  tallyfyOrgId: view.tallyfyOrgId ?? '',
  anthropicApiKey: undefined,
  tallyfyApiKey: undefined,
});

/** The changes between the saved settings and the draft, as a `settings.update` input. */
function draftToUpdate(view: SettingsView, draft: Draft): Record<string, unknown> {
  const next: Partial<Record<keyof EditableSettings, unknown>> = {
    host: draft.host.trim(),
    // Checked keeps a saved `true` (TLS on loopback too), else goes back to the default (TLS on the LAN).
    tls: draft.tls ? (view.tls === true ? true : null) : false,
    port: Number(draft.port),
    mcpPort: Number(draft.mcpPort),
    accessCode: draft.accessCode.trim() === '' ? null : draft.accessCode.trim(),
    allowedOrgs: draft.allowedOrgs
      .split(/[\s,]+/)
      .map((item) => item.trim())
      .filter(Boolean),
    idleTimeoutMinutes: Number(draft.idleTimeoutMinutes),
    approvalPolicy: draft.approvalPolicy,
    anthropicModel: draft.anthropicModel.trim(),
    tallyfyOrgId: draft.tallyfyOrgId.trim(),
  };
  const update: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    const saved = (view as Record<string, unknown>)[key] ?? (key === 'accessCode' || key === 'tls' ? null : key === 'tallyfyOrgId' ? '' : undefined);
    if (JSON.stringify(value) !== JSON.stringify(saved)) update[key] = value;
  }
  const secrets: Record<string, string | null> = {};
  if (draft.anthropicApiKey !== undefined) secrets.anthropicApiKey = draft.anthropicApiKey;
  if (draft.tallyfyApiKey !== undefined) secrets.tallyfyApiKey = draft.tallyfyApiKey;
  if (Object.keys(secrets).length > 0) update.secrets = secrets;
  return update;
}

const labels: Record<string, string> = {
  host: 'bind address',
  tls: 'HTTPS (TLS)',
  port: 'gateway port',
  mcpPort: 'MCP port',
  accessCode: 'access code',
  allowedOrgs: 'allowed organizations',
  idleTimeoutMinutes: 'idle timeout',
  approvalPolicy: 'approval policy',
  anthropicModel: 'model',
  tallyfyOrgId: 'your organization id',
  anthropicApiKey: 'Anthropic key',
  tallyfyApiKey: 'your Tallyfy key',
};

const policies: { value: ApprovalPolicy; title: string; text: string }[] = [
  { value: 'writes', title: 'Ask before changes', text: 'Recommended. Reading is free; anything that creates, edits or deletes asks first.' },
  { value: 'all', title: 'Ask before every tool', text: 'The most careful: even lookups wait for a yes.' },
  { value: 'never', title: 'Never ask', text: 'Tools run at once. Only for trusted teams and test data.' },
];

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <section className="settings-section card">
      <div className="settings-intro">
        <h2>{title}</h2>
        <p className="muted">{description}</p>
      </div>
      <div className="settings-fields">{children}</div>
    </section>
  );
}

/** Ports below 1024 are "privileged" on macOS and Linux: binding one needs root. */
const firstUnprivilegedPort = 1024;

/**
 * Warns when a chosen port is below 1024 (80, 443…): on macOS and Linux only root may listen
 * there, so the gateway would fail to start. Saving stays allowed (Windows, or a server that
 * runs as root). Port 0 means "any free port" and is not privileged.
 */
function PrivilegedPortWarning({ ports }: { ports: [label: string, value: string][] }) {
  const low = ports.filter(([, value]) => {
    const port = Number(value);
    return Number.isInteger(port) && port > 0 && port < firstUnprivilegedPort;
  });
  if (low.length === 0) return null;
  const named = low.map(([label, value]) => `${label} ${value}`).join(' and ');
  return (
    <div className="callout callout-warn" role="alert" data-testid="settings-port-warning">
      <Icon name="warning" />
      <div>
        <strong>Ports below {firstUnprivilegedPort} need administrator (root) rights.</strong> On macOS and Linux the gateway cannot
        listen on the {named} unless it runs as root, so it will fail to start there. Choose {firstUnprivilegedPort} or higher (the
        defaults are 9001 and 9000).
      </div>
    </div>
  );
}

/**
 * One setting: its label (with a "set at start-up" badge when `locked`, i.e. a flag or environment
 * variable sets it), the control, an optional hint, and the validation `error`. A `label` element,
 * or a `div` when the control holds more than one input (`group`).
 */
function Field({
  label,
  locked = false,
  error,
  hint,
  narrow = false,
  group = false,
  children,
}: {
  label: string;
  locked?: boolean;
  error: string | undefined;
  hint?: string;
  narrow?: boolean;
  group?: boolean;
  children: ReactNode;
}) {
  const Tag = group ? 'div' : 'label';
  return (
    <Tag className={narrow ? 'field field-narrow' : 'field'}>
      <span className="field-label">
        {label}
        {locked && (
          <>
            {' '}
            <span className="badge" title="A flag or environment variable sets this; the saved value applies when it is gone.">
              <Icon name="lock" size={12} /> set at start-up
            </span>
          </>
        )}
      </span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </Tag>
  );
}

/**
 * The gateway's settings: network, access, assistant, the desk user's Tallyfy account. Validated
 * with the contract's schema before sending; secrets are write-only; says what applied at once
 * and what needs a restart. `gatewayControl` is the start/stop control composed by the app.
 */
export function SettingsPage({ gatewayControl }: { gatewayControl?: ReactNode }) {
  const live = useLiveRoute('settings.get', 'settings.changed');
  const addresses = useRoute('network.addresses', {});
  const save = useAction('settings.update');
  const regenerate = useAction('settings.regenerateAccessCode');
  // Undefined until the admin edits something: the form then shows the saved values as they change.
  const [edited, setDraft] = useState<Draft>();
  const [outcome, setOutcome] = useState<SettingsUpdateResult>();
  const view = live.data;
  const draft = useMemo(() => edited ?? (view ? toDraft(view) : undefined), [edited, view]);

  const update = useMemo(() => (view && draft ? draftToUpdate(view, draft) : {}), [view, draft]);
  const validation = useMemo(() => settingsUpdateSchema.safeParse(update), [update]);
  const errors = useMemo(() => {
    const out: Record<string, string> = {};
    if (!validation.success) for (const issue of validation.error.issues) out[String(issue.path[0] === 'secrets' ? issue.path[1] : issue.path[0])] ??= issue.message;
    return out;
  }, [validation]);
  const dirty = Object.keys(update).length > 0;

  if (!view || !draft) {
    return <PageLoading label="Settings" title="Settings" failure="read the settings" error={live.error} />;
  }

  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    setOutcome(undefined);
    setDraft((current) => ({ ...(current ?? draft), [key]: value }));
  };
  const submit = async (): Promise<void> => {
    if (!validation.success) return;
    const result = await save.run(validation.data as SettingsUpdate);
    if (result.ok) {
      setOutcome(result.data);
      setDraft(undefined);
    }
  };
  const lan = (addresses.data?.addresses ?? []).filter((item) => !item.internal);
  const hostOptions = [
    { value: '127.0.0.1', label: 'This computer only (127.0.0.1)' },
    { value: '0.0.0.0', label: 'All networks (0.0.0.0) — teammates can connect' },
    ...lan.map((item) => ({ value: item.address, label: `Only ${item.interface} (${item.address})` })),
  ];
  if (!hostOptions.some((option) => option.value === draft.host)) hostOptions.push({ value: draft.host, label: draft.host });
  const locked = (name: keyof EditableSettings): boolean => view.overridden.includes(name);

  return (
    <section className="page" aria-label="Settings">
      <PageHeader
        title="Settings"
        description={
          <>
            Saved in <span className="mono">{view.dataDir}</span> · keys {view.secretStorage === 'safeStorage' ? 'encrypted with your system keychain' : view.secretStorage === 'file' ? 'in a file only you can read (0600)' : 'in memory'}
          </>
        }
        actions={
          <>
            <button type="button" className="btn btn-secondary" disabled={!dirty || save.pending} onClick={() => setDraft(undefined)}>
              Discard
            </button>
            <button type="button" className="btn btn-primary" disabled={!dirty || !validation.success || save.pending} onClick={() => void submit()} data-testid="settings-save">
              {save.pending ? 'Saving…' : 'Save changes'}
            </button>
          </>
        }
      />
      {outcome && (
        <div className={outcome.restartRequired.length ? 'callout callout-warn' : 'callout callout-ok'} role="status" data-testid="settings-outcome">
          <Icon name={outcome.restartRequired.length ? 'refresh' : 'check'} />
          <div>
            <strong>Saved.</strong>
            {outcome.applied.length > 0 && <> Applied now: {outcome.applied.map((key) => labels[key] ?? key).join(', ')}.</>}
            {outcome.restartRequired.length > 0 && <> Takes effect after a restart: {outcome.restartRequired.map((key) => labels[key] ?? key).join(', ')}.</>}
          </div>
        </div>
      )}
      {save.error && <div className="callout callout-danger">{save.error.message}</div>}

      {gatewayControl && (
        <Section title="Gateway" description="Stopping disconnects every teammate and refuses new ones. This window and the admin view keep working.">
          {gatewayControl}
        </Section>
      )}

      <Section title="Network" description="Where teammates reach the gateway. Loopback keeps it on this computer; a LAN address shares it with your network.">
        <Field label="Bind address" locked={locked('host')} error={errors.host}>
          <select value={draft.host} onChange={(event) => set('host', event.target.value)} disabled={locked('host')} data-testid="settings-host">
            {hostOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        {!/^127\./.test(draft.host) && (
          <Field
            label="Encryption"
            locked={locked('tls')}
            error={errors.tls}
            hint="Teammates open an https:// link. The certificate is self-signed: they check its SHA-256 fingerprint (shown under Gateway and on the Invite page) before accepting the browser's warning."
          >
            <span className="choice-inline">
              <input type="checkbox" checked={draft.tls} onChange={(event) => set('tls', event.target.checked)} disabled={locked('tls')} data-testid="settings-tls" />{' '}
              Use HTTPS and WSS (TLS) on the LAN
            </span>
          </Field>
        )}
        {!/^127\./.test(draft.host) && !draft.tls && (
          <div className="callout callout-danger" role="alert" data-testid="settings-cleartext-warning">
            <Icon name="warning" />
            <div>
              <strong>Without TLS, keys cross the LAN in clear.</strong> Anyone on the same network can read teammates' Tallyfy API keys, the access code and the admin token.
            </div>
          </div>
        )}
        <div className="field-row">
          <Field label="Gateway port" locked={locked('port')} error={errors.port}>
            <input type="number" min={0} max={65535} value={draft.port} onChange={(event) => set('port', event.target.value)} disabled={locked('port')} data-testid="settings-port" />
          </Field>
          <Field label="MCP port" locked={locked('mcpPort')} error={errors.mcpPort}>
            <input type="number" min={0} max={65535} value={draft.mcpPort} onChange={(event) => set('mcpPort', event.target.value)} disabled={locked('mcpPort')} data-testid="settings-mcp-port" />
          </Field>
        </div>
        <PrivilegedPortWarning ports={[['gateway port', draft.port], ['MCP port', draft.mcpPort]]} />
      </Section>

      <Section title="Access" description="Who may sign in, and for how long an idle session stays open.">
        <Field
          label="Access code"
          locked={locked('accessCode')}
          error={errors.accessCode}
          hint="Asked of teammates when the gateway is on the LAN. Regenerating saves at once; people already signed in stay signed in."
          group
        >
          <div className="secret-row">
            <input type="text" aria-label="Access code" value={draft.accessCode} placeholder="Generated when the gateway is shared" onChange={(event) => set('accessCode', event.target.value)} spellCheck={false} data-testid="settings-access-code" />
            <button
              type="button"
              className="btn btn-secondary"
              disabled={regenerate.pending}
              onClick={() =>
                void regenerate.run({}).then((result) => {
                  if (result.ok) set('accessCode', result.data.accessCode);
                })
              }
              data-testid="settings-regenerate"
            >
              <Icon name="refresh" size={16} /> Regenerate
            </button>
          </div>
        </Field>
        <Field label="Allowed organizations" error={errors.allowedOrgs} hint="Everyone spends your Anthropic key: restrict sign-in to your own Tallyfy organizations.">
          <textarea rows={3} value={draft.allowedOrgs} placeholder="Any organization (one id per line to restrict)" onChange={(event) => set('allowedOrgs', event.target.value)} spellCheck={false} data-testid="settings-allowed-orgs" />
        </Field>
        <Field label="Idle timeout (minutes)" locked={locked('idleTimeoutMinutes')} error={errors.idleTimeoutMinutes} narrow>
          <input type="number" min={1} max={1440} value={draft.idleTimeoutMinutes} onChange={(event) => set('idleTimeoutMinutes', event.target.value)} disabled={locked('idleTimeoutMinutes')} data-testid="settings-idle" />
        </Field>
      </Section>

      <Section title="Assistant" description="The Claude model everyone talks to, your Anthropic key, and when tools ask before they run.">
        <Field label="Model" locked={locked('anthropicModel')} error={errors.anthropicModel}>
          <input type="text" list="models" value={draft.anthropicModel} onChange={(event) => set('anthropicModel', event.target.value)} disabled={locked('anthropicModel')} />
          <datalist id="models">
            {modelSuggestions.map((model) => (
              <option key={model} value={model} />
            ))}
          </datalist>
        </Field>
        <SecretField
          key={`anthropic:${view.secrets.anthropicApiKey.masked ?? 'unset'}`}
          label="Anthropic API key"
          status={view.secrets.anthropicApiKey}
          value={draft.anthropicApiKey}
          onChange={(value) => set('anthropicApiKey', value)}
          placeholder="sk-ant-…"
          hint="Without a key the gateway runs tools directly (/tools, /tool NAME {json})."
          error={errors.anthropicApiKey}
          testId="settings-anthropic-key"
        />
        <fieldset className="field">
          <legend className="field-label">Approvals</legend>
          <div className="choice-list">
            {policies.map((policy) => (
              <label key={policy.value} className={draft.approvalPolicy === policy.value ? 'choice selected' : 'choice'}>
                <input type="radio" name="approvalPolicy" value={policy.value} checked={draft.approvalPolicy === policy.value} onChange={() => set('approvalPolicy', policy.value)} />
                <span>
                  <strong>{policy.title}</strong>
                  <span className="muted small">{policy.text}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      </Section>

      <Section title="Your Tallyfy account" description="For your own chat in this app. Never lent to teammates: they sign in with their own keys.">
        <Field label="Organization id" locked={locked('tallyfyOrgId')} error={errors.tallyfyOrgId}>
          <input type="text" value={draft.tallyfyOrgId} onChange={(event) => set('tallyfyOrgId', event.target.value)} spellCheck={false} placeholder="e.g. a0000000000000000000000000000001" data-testid="settings-org" />
        </Field>
        <SecretField
          key={`tallyfy:${view.secrets.tallyfyApiKey.masked ?? 'unset'}`}
          label="Tallyfy API key"
          status={view.secrets.tallyfyApiKey}
          value={draft.tallyfyApiKey}
          onChange={(value) => set('tallyfyApiKey', value)}
          placeholder="Your personal access token"
          hint="Tallyfy → Settings → Integrations → REST API."
          error={errors.tallyfyApiKey}
          testId="settings-tallyfy-key"
        />
      </Section>

      <SpendLimitsSection view={view} />
      <ToolPolicySection view={view} />
    </section>
  );
}
