import type { ReactNode } from 'react';

import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { PageLoading } from '../../components/PageLoading';
import { StatusPill } from '../../components/StatusPill';
import { useAdminEvent, useRoute } from '../../lib/api/useRoute';

/**
 * What to share with teammates: the link (with the access code on the LAN), its QR code, every
 * address, and whether the gateway is advertised over mDNS. `settingsLink` leads to the bind
 * address when the gateway is private to this computer.
 */
export function InvitePage({ settingsLink }: { settingsLink?: ReactNode }) {
  const live = useRoute('invite.get', {});
  const { reload } = live;
  // The invite depends on the settings (bind address, access code) and the gateway's state.
  useAdminEvent('settings.changed', reload);
  useAdminEvent('gateway.changed', reload);
  const invite = live.data;
  if (!invite) {
    return <PageLoading label="Invite" title="Invite teammates" failure="build the invite" error={live.error} />;
  }
  return (
    <section className="page" aria-label="Invite">
      <PageHeader
        title="Invite teammates"
        description="They open the link, sign in with their own Tallyfy API key, and chat. Nothing to install."
      />
      {!invite.exposed && (
        <div className="callout callout-warn" role="status">
          <Icon name="warning" />
          <div>
            <strong>Only this computer can connect right now.</strong> The gateway listens on 127.0.0.1. To invite teammates on your
            network, choose “All networks” as the bind address in Settings and restart.
            {settingsLink && <div className="callout-action">{settingsLink}</div>}
          </div>
        </div>
      )}
      {invite.exposed && !invite.tls && (
        <div className="callout callout-danger" role="alert" data-testid="invite-cleartext">
          <Icon name="warning" />
          <div>
            <strong>TLS is off: keys cross the LAN in clear.</strong> Anyone on this network can read teammates' Tallyfy API keys, the
            access code and the admin token. Turn HTTPS back on in Settings → Network (or start without <code>--no-tls</code>).
            {settingsLink && <div className="callout-action">{settingsLink}</div>}
          </div>
        </div>
      )}
      {!invite.running && (
        <div className="callout callout-danger" role="status">
          <Icon name="power" />
          <div>
            <strong>The gateway is stopped.</strong> Start it from the sidebar; the link works again at once.
          </div>
        </div>
      )}
      <div className={invite.exposed ? 'invite-grid' : 'invite-grid invite-grid-single'}>
        {/* A phone cannot reach this machine's 127.0.0.1: no QR code until the gateway is on the LAN. */}
        {invite.exposed && (
          <div className="card invite-qr">
            <img src={invite.qrDataUrl} alt={`QR code for ${invite.url}`} width={232} height={232} data-testid="invite-qr" />
            <p className="muted small">Scan with a phone camera to open the chat.</p>
          </div>
        )}
        <div className="card invite-main">
          <h2 className="card-title">Link</h2>
          <div className="copy-row copy-row-wrap">
            <code className="link" data-testid="invite-url">
              {invite.url}
            </code>
            <CopyButton text={invite.url} label="Copy link" className="btn btn-primary" />
          </div>
          {invite.accessCode && (
            <>
              <h2 className="card-title">Access code</h2>
              <div className="copy-row">
                <code className="access-code" data-testid="invite-code">
                  {invite.accessCode}
                </code>
                <CopyButton text={invite.accessCode} label="Copy code" />
              </div>
              <p className="muted small">
                The link carries the code, so teammates who use it do not need to type it. Regenerate it in Settings to lock everyone else
                out.
              </p>
            </>
          )}
          {invite.tls && (
            <>
              <h2 className="card-title">Certificate fingerprint (SHA-256)</h2>
              <div className="copy-row copy-row-wrap">
                <code className="link fingerprint" data-testid="invite-fingerprint">
                  {invite.tls.fingerprint256}
                </code>
                <CopyButton text={invite.tls.fingerprint256} label="Copy fingerprint" />
              </div>
              <p className="muted small">
                {invite.tls.selfSigned
                  ? 'The gateway uses its own certificate, so the browser warns the first time. Send teammates this fingerprint another way (chat, in person); they open the certificate from the address bar, compare its SHA-256 fingerprint, and accept the warning only if it matches.'
                  : 'The gateway uses your certificate; browsers that trust its issuer show no warning. The fingerprint lets anyone check they reached this gateway.'}
              </p>
            </>
          )}
          {invite.urls.length > 1 && (
            <>
              <h2 className="card-title">Other addresses of this computer</h2>
              <ul className="url-list">
                {invite.urls.slice(1).map((url) => (
                  <li key={url} className="mono">
                    {url}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h2 className="card-title">On the network</h2>
          <p>
            {invite.mdnsName ? (
              <StatusPill tone="ok">Advertised over mDNS as “{invite.mdnsName}”</StatusPill>
            ) : (
              <StatusPill tone="muted">Not advertised (only while the gateway is on the LAN)</StatusPill>
            )}
          </p>
        </div>
      </div>
    </section>
  );
}
