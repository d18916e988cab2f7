import type { GatewayTls } from '../../shared/types/network';

import type { Config } from './config/config';
import { urlHost } from './net/listen';
import { cleartextOnLan } from './tls/policy';

/** Where the running core can be reached. */
export interface CoreAddresses {
  gatewayUrl: string;
  wsUrl: string;
  adminUrl: string;
  mcpUrl?: string;
  sandboxUrl?: string;
  /** The access code teammates need (set when the gateway is bound beyond loopback). */
  accessCode?: string;
  /** The certificate when the gateway port speaks HTTPS/WSS (`gatewayUrl` is then `https://`). */
  tls?: GatewayTls & { certFile: string };
  /** True when the gateway is on the LAN without TLS: keys and codes cross the network in clear. */
  cleartextOnLan?: boolean;
}

/** The started core's addresses, from the config and what its services report. */
export function coreAddresses(
  config: Pick<Config, 'host' | 'tls' | 'tlsCert'>,
  started: {
    gatewayPort: number;
    adminToken: string;
    mcpUrl?: string | undefined;
    sandboxUrl?: string | undefined;
    accessCode?: string | undefined;
    tls?: (GatewayTls & { certFile: string }) | undefined;
  },
): CoreAddresses {
  const base = `${started.tls ? 'https' : 'http'}://${urlHost(config.host)}:${started.gatewayPort}`;
  return {
    gatewayUrl: base,
    wsUrl: base.replace(/^http/, 'ws'),
    adminUrl: `${base}/admin#token=${encodeURIComponent(started.adminToken)}`,
    ...(started.mcpUrl ? { mcpUrl: started.mcpUrl } : {}),
    ...(started.sandboxUrl ? { sandboxUrl: started.sandboxUrl } : {}),
    ...(started.accessCode ? { accessCode: started.accessCode } : {}),
    ...(started.tls ? { tls: started.tls } : {}),
    ...(cleartextOnLan(config) ? { cleartextOnLan: true } : {}),
  };
}
