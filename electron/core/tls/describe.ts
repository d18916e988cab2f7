import type { GatewayTls } from '../../../shared/types/network';
import type { Config } from '../config/config';

import { peekFingerprint } from './certificate';
import { cleartextOnLan, tlsEnabled } from './policy';

/** The start-up banner's TLS lines: the certificate and its fingerprint, or the cleartext warning. */
export function tlsBannerLines(addresses: {
  tls?: (GatewayTls & { certFile: string }) | undefined;
  cleartextOnLan?: boolean | undefined;
}): string[] {
  const lines: string[] = [];
  if (addresses.tls) {
    lines.push(`  TLS          ${addresses.tls.selfSigned ? 'self-signed certificate' : 'your certificate'} ${addresses.tls.certFile}`);
    lines.push(`  SHA-256      ${addresses.tls.fingerprint256}`);
    if (addresses.tls.selfSigned) lines.push('               teammates check this fingerprint in the browser before accepting its warning');
  }
  if (addresses.cleartextOnLan) {
    lines.push('  WARNING      TLS is off (--no-tls): API keys, the access code and the admin token cross the LAN in clear');
  }
  return lines;
}

/**
 * The `--help` lines about this configuration's TLS: on or off, the web chat links it will have
 * (`lanAddresses` for a `0.0.0.0` binding) and the certificate's fingerprint.
 */
export function tlsHelp(
  config: Pick<Config, 'host' | 'port' | 'tls' | 'tlsCert' | 'dataDir'>,
  lanAddresses: readonly string[] = [],
): string {
  if (!tlsEnabled(config)) {
    if (cleartextOnLan(config)) {
      return `TLS: off (--no-tls) for --host ${config.host}: links are http://…:${config.port}/. WARNING: API keys, the access code and the admin token would cross the LAN in clear.`;
    }
    return `TLS: off on loopback (links are http://127.0.0.1:${config.port}/); --tls or a LAN --host turns it on.`;
  }
  const known = peekFingerprint({ dataDir: config.dataDir, tlsCert: config.tlsCert });
  const hosts = config.host === '0.0.0.0' || config.host === '::' ? ['127.0.0.1', ...lanAddresses] : [config.host];
  const links = hosts.map((host) => `https://${host.includes(':') ? `[${host}]` : host}:${config.port}/`);
  const lines = [`TLS: on (web chat and admin over https, sockets over wss): ${links.join('  ')}`];
  if (known) lines.push(`Certificate ${known.file}`, `SHA-256 ${known.fingerprint256}`);
  else lines.push(`Certificate: none yet; a self-signed one is generated on first start and kept in ${config.dataDir}.`);
  return lines.join('\n');
}
