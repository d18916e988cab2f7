import { Icon } from '../../components/Icon';
import { StatusPill } from '../../components/StatusPill';
import { useAction, useLiveRoute } from '../../lib/api/useLive';

/** The gateway's state and its start/stop button. `compact` for the sidebar. */
export function GatewayControl({ compact = false }: { compact?: boolean }) {
  const status = useLiveRoute('gateway.status', 'gateway.changed');
  const start = useAction('gateway.start');
  const stop = useAction('gateway.stop');
  const gateway = status.data;
  if (!gateway) return <div className={compact ? 'gateway-control compact' : 'gateway-control'}>{status.error ? <StatusPill tone="danger">Unreachable</StatusPill> : <StatusPill tone="muted">…</StatusPill>}</div>;
  const pending = start.pending || stop.pending;
  const toggle = async (): Promise<void> => {
    const result = gateway.running ? await stop.run({}) : await start.run({});
    if (result.ok) status.reload();
  };
  return (
    <div className={compact ? 'gateway-control compact' : 'gateway-control'} data-testid="gateway-control">
      <div className="gateway-state">
        <StatusPill tone={gateway.running ? 'ok' : 'danger'} pulse={gateway.running}>
          {gateway.running ? (gateway.exposed ? 'Sharing on the LAN' : 'Running on this computer') : 'Stopped'}
        </StatusPill>
        {!compact && (
          <span className="muted small">
            {gateway.url ?? `${gateway.host}:${gateway.port}`}
            {gateway.advertised ? ' · advertised over mDNS' : ''}
          </span>
        )}
        {!compact && gateway.tls && (
          <div className="gateway-tls small" data-testid="gateway-fingerprint">
            <span>
              <StatusPill tone="ok">HTTPS</StatusPill> {gateway.tls.selfSigned ? 'Self-signed certificate' : 'Your certificate'}, valid until {gateway.tls.validTo.slice(0, 10)}
            </span>
            <span>
              SHA-256 <code className="fingerprint">{gateway.tls.fingerprint256}</code>
            </span>
          </div>
        )}
        {!compact && gateway.exposed && !gateway.tls && (
          <span className="small" data-testid="gateway-cleartext">
            <StatusPill tone="danger">No TLS</StatusPill> Keys cross the LAN in clear: teammates' API keys, the access code and the admin token can be read on the network.
          </span>
        )}
      </div>
      <button type="button" className={gateway.running ? 'btn btn-secondary btn-small' : 'btn btn-primary btn-small'} disabled={pending} onClick={() => void toggle()} data-testid="gateway-toggle">
        <Icon name="power" size={14} />
        {gateway.running ? 'Stop' : 'Start'}
      </button>
    </div>
  );
}
