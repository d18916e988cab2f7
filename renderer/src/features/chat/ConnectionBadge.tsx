import type { ConnectionStatus } from './chatState';

/** One vocabulary, about the connection to the gateway (sign-in is said by the page itself). */
const labels: Record<ConnectionStatus, string> = {
  offline: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Ready to sign in',
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
