import { useState } from 'react';

import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { StatusPill } from '../../components/StatusPill';
import { useAction, useLiveRoute } from '../../lib/api/useLive';

/**
 * The gateway's state and its start/stop button. `compact` for the sidebar. Stop asks first,
 * naming how many teammates it disconnects (as kicking one person does); Start does not.
 */
export function GatewayControl({ compact = false }: { compact?: boolean }) {
  const status = useLiveRoute('gateway.status', 'gateway.changed');
  const sessions = useLiveRoute('sessions.list', 'sessions.changed');
  const [confirming, setConfirming] = useState(false);
  const start = useAction('gateway.start');
  const stop = useAction('gateway.stop');
  const gateway = status.data;
  if (!gateway) return <div className={compact ? 'gateway-control compact' : 'gateway-control'}>{status.error ? <StatusPill tone="danger">Unreachable</StatusPill> : <StatusPill tone="muted">…</StatusPill>}</div>;
  const pending = start.pending || stop.pending;
  const toggle = async (): Promise<void> => {
    const result = gateway.running ? await stop.run({}) : await start.run({});
    if (result.ok) status.reload();
  };
  const teammates = sessions.data?.sessions.filter((session) => session.kind !== 'local' && session.authenticated).length ?? 0;
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
      <button
        type="button"
        className={gateway.running ? 'btn btn-secondary btn-small' : 'btn btn-primary btn-small'}
        disabled={pending}
        onClick={() => (gateway.running ? setConfirming(true) : void toggle())}
        data-testid="gateway-toggle"
      >
        <Icon name="power" size={14} />
        {gateway.running ? 'Stop' : 'Start'}
      </button>
      <Modal
        title="Stop the gateway?"
        open={confirming}
        onClose={() => setConfirming(false)}
        footer={
          <>
            <button type="button" className="btn btn-secondary" onClick={() => setConfirming(false)} autoFocus>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={pending}
              data-testid="gateway-stop-confirm"
              onClick={() => {
                setConfirming(false);
                void toggle();
              }}
            >
              {teammates > 0 ? `Stop and disconnect ${teammates}` : 'Stop'}
            </button>
          </>
        }
      >
        <p className="muted">
          {teammates === 0
            ? 'Nobody else is signed in right now.'
            : `${teammates} teammate${teammates === 1 ? ' is' : 's are'} signed in: their running questions stop and they are disconnected.`}{' '}
          Teammates cannot sign in until you start it again; your own chat keeps working. Their pages reconnect by themselves once it is
          back.
        </p>
      </Modal>
    </div>
  );
}
