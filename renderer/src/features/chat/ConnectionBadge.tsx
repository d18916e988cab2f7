import type { ConnectionStatus } from './chatState';

const labels: Record<ConnectionStatus, string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  connected: 'Connected',
  authenticating: 'Signing in…',
  ready: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'Session ended',
};

/** A dot and a word: where the connection stands. */
export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`conn conn-${status}`} role="status" data-status={status}>
      <span className="conn-dot" aria-hidden="true" />
      {labels[status]}
    </span>
  );
}
