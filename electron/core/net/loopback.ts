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

/** The hostname part of a `Host` header (`[::1]:9000` → `[::1]`, `localhost:9001` → `localhost`). */
export function hostnameOfHeader(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}
