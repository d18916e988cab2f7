import { useLiveRoute } from '../../lib/api/useLive';
import { formatDuration } from '../../lib/format';

const serviceLabels: Record<string, string> = { gateway: 'Gateway', mcp: 'MCP server', sandbox: 'Tallyfy sandbox', cluster: 'Cluster (Redis)' };

/** The core's live health: version, uptime, mode and each service. */
export function HealthPanel() {
  const live = useLiveRoute('health.get', 'health.changed');
  const health = live.data;
  if (live.error && !health) return <div className="card error">Cannot read the gateway's health: {live.error.message}</div>;
  if (!health) return <div className="card muted">Connecting to the gateway…</div>;
  return (
    <section className="card" aria-label="Gateway health">
      <h2>
        {health.name} <span className="muted">{health.version}</span>
      </h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="health-status">{health.status}</dd>
        <dt>Uptime</dt>
        <dd>{formatDuration(health.uptimeSeconds * 1000)}</dd>
        <dt>Tallyfy</dt>
        <dd>{health.mode === 'sandbox' ? 'Sandbox (offline demo data)' : 'Live API'}</dd>
        <dt>Claude</dt>
        <dd>{health.agent === 'claude' ? 'Connected with an API key' : 'Direct tool mode (no API key)'}</dd>
        {Object.entries(health.services).map(([name, service]) => (
          <div key={name} className="fact-row">
            <dt>{serviceLabels[name] ?? name}</dt>
            <dd>
              <span className={service.running ? 'dot on' : 'dot off'} /> {service.running ? (service.url ?? service.detail ?? 'running') : (service.detail ?? 'off')}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
