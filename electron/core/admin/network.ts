import { networkInterfaces } from 'node:os';

import type { NetworkAddress } from '../../../shared/types/network';
import { isLoopbackHost } from '../net/loopback';

type Interfaces = ReturnType<typeof networkInterfaces>;

/** This machine's IPv4 addresses, LAN ones first, then loopback. */
export function networkAddresses(interfaces: Interfaces = networkInterfaces()): NetworkAddress[] {
  const out: NetworkAddress[] = [];
  for (const [name, items] of Object.entries(interfaces)) {
    for (const item of items ?? []) {
      if (item.family === 'IPv4') out.push({ interface: name, address: item.address, internal: item.internal });
    }
  }
  return out.sort((a, b) => Number(a.internal) - Number(b.internal) || a.interface.localeCompare(b.interface));
}

/** The URLs teammates can use to reach a gateway bound to `host`:`port` (`https:` when it speaks TLS). */
export function reachableUrls(
  host: string,
  port: number,
  addresses: readonly NetworkAddress[],
  scheme: 'http' | 'https' = 'http',
): string[] {
  if (isLoopbackHost(host)) return [`${scheme}://127.0.0.1:${port}/`];
  if (host === '0.0.0.0' || host === '::') {
    const lan = addresses.filter((item) => !item.internal).map((item) => `${scheme}://${item.address}:${port}/`);
    return lan.length > 0 ? lan : [`${scheme}://127.0.0.1:${port}/`];
  }
  return [`${scheme}://${host}:${port}/`];
}
