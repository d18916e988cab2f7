import type { Config } from '../config/config';
import { isLoopbackHost } from '../net/loopback';

/**
 * True when the gateway port speaks HTTPS/WSS: `--tls` / `--no-tls` (`config.tls`) when given,
 * else on whenever a certificate of the user's own is given or the bind address reaches beyond
 * this machine (`0.0.0.0`, a LAN address).
 */
export function tlsEnabled(config: Pick<Config, 'tls' | 'tlsCert' | 'host'>): boolean {
  return config.tls ?? (config.tlsCert !== undefined || !isLoopbackHost(config.host));
}

/** True when teammates' keys would cross the LAN in clear: exposed beyond loopback without TLS. */
export function cleartextOnLan(config: Pick<Config, 'tls' | 'tlsCert' | 'host'>): boolean {
  return !isLoopbackHost(config.host) && !tlsEnabled(config);
}
