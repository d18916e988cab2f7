const loopbackNames = new Set(['localhost', '::1']);
const ipv4Loopback = /^(::ffff:)?127(\.\d{1,3}){3}$/;

/**
 * True when `host` (a bind address, a peer address or a Host header's hostname) names this
 * machine: `localhost`, 127.0.0.0/8 as an IPv4 literal (also IPv4-mapped), or `::1`, with or
 * without IPv6 brackets, any case. A name that merely starts with `127.` (`127.0.0.1.evil.example`)
 * is not loopback: that is how DNS rebinding would get in.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  return loopbackNames.has(bare) || ipv4Loopback.test(bare);
}

/**
 * True when a `Host` header names this machine as a client may address it: on a loopback
 * binding only a loopback name (the DNS-rebinding guard, as on the MCP port); on a LAN binding
 * also an IP literal or this machine's own name (`name`, `name.local`, any case), never another
 * DNS name, which is what a rebinding page would send.
 */
export function hostHeaderNamesThisMachine(hostHeader: string | undefined, exposed: boolean, machineName: string): boolean {
  if (!hostHeader) return false;
  const hostname = hostnameOfHeader(hostHeader).toLowerCase();
  if (isLoopbackHost(hostname)) return true;
  if (!exposed) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || /^\[[0-9a-f:.]+\]$/.test(hostname)) return true;
  const own = machineName.toLowerCase();
  return hostname === own || hostname === `${own}.local`;
}

/** The hostname part of a `Host` header (`[::1]:9000` → `[::1]`, `localhost:9001` → `localhost`). */
export function hostnameOfHeader(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}
