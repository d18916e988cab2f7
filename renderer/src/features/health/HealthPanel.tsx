import { useCallback, useState } from 'react';

import type { Health } from '../../../../shared/types/health';
import { useAdminEvent, useRoute } from '../../lib/api/useRoute';

function formatUptime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

const serviceLabels: Record<string, string> = { gateway: 'Gateway', mcp: 'MCP server', sandbox: 'Tallyfy sandbox' };

/** The core's live health: version, uptime, mode and each service. */
export function HealthPanel() {
  const initial = useRoute('health.get', {});
  const [live, setLive] = useState<Health | undefined>();
  useAdminEvent('health.changed', useCallback((health: Health) => setLive(health), []));
  const health = live ?? initial.data;
  if (initial.error && !health) return <div className="card error">Cannot read the gateway's health: {initial.error.message}</div>;
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
        <dd>{formatUptime(health.uptimeSeconds)}</dd>
        <dt>Tallyfy</dt>
        <dd>{health.mode === 'sandbox' ? 'Sandbox (offline demo data)' : 'Live API'}</dd>
        <dt>Claude</dt>
        <dd>{health.agent === 'claude' ? 'Connected with an API key' : 'Direct tool mode (no API key)'}</dd>
        {Object.entries(health.services).map(([name, service]) => (
          <div key={name} className="fact-row">
            <dt>{serviceLabels[name] ?? name}</dt>
            <dd>
              <span className={service.running ? 'dot on' : 'dot off'} /> {service.running ? (service.url ?? 'running') : (service.detail ?? 'off')}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
