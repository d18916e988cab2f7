import type { Invite, NetworkAddress } from '../../../shared/types/network';
import { isLoopbackHost } from '../net/loopback';

import { reachableUrls } from './network';
import type { GatewayState } from './ports';

export interface InviteInput {
  gateway: GatewayState;
  addresses: readonly NetworkAddress[];
  accessCode?: string | undefined;
  mdnsName?: string | undefined;
}

/** Adds the access code to a web chat URL as `#code=…` (a fragment: never sent to a server or logged). */
export function withAccessCode(url: string, accessCode: string | undefined): string {
  return accessCode ? `${url}#code=${encodeURIComponent(accessCode)}` : url;
}

/**
 * What the admin shares with teammates: the web chat link (with the access code when the gateway
 * is on the LAN), every reachable URL, and the link as a QR code PNG data URL (256 px).
 */
export async function buildInvite(input: InviteInput): Promise<Invite> {
  const exposed = !isLoopbackHost(input.gateway.host);
  const scheme = input.gateway.tls ? 'https' : 'http';
  const urls = reachableUrls(input.gateway.host, input.gateway.port, input.addresses, scheme);
  const code = exposed ? input.accessCode : undefined;
  const url = withAccessCode(urls[0] ?? `${scheme}://127.0.0.1:${input.gateway.port}/`, code);
  // qrcode loads with the first invite, not at start-up (issue 18 §3).
  const { default: QRCode } = await import('qrcode');
  const qrDataUrl = await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 1, width: 256, color: { dark: '#1d2330', light: '#ffffff' } });
  return {
    exposed,
    running: input.gateway.running,
    url,
    urls,
    ...(code ? { accessCode: code } : {}),
    qrDataUrl,
    ...(input.mdnsName ? { mdnsName: input.mdnsName } : {}),
    ...(input.gateway.tls ? { tls: input.gateway.tls } : {}),
  };
}
