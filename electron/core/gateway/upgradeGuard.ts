import type { IncomingMessage } from 'node:http';

import { hostnameOfHeader, isLoopbackHost } from '../net/loopback';

/** What the upgrade check needs to know about the gateway. */
export interface UpgradePolicy {
  /** The interface the gateway is bound to. */
  host: string;
  /** Extra browser origins allowed to open sockets (e.g. the desktop window's), exact `scheme://host[:port]`. */
  allowedOrigins?: readonly string[];
}

/** The verdict on one upgrade request. */
export type UpgradeVerdict = { ok: true; browser: boolean } | { ok: false; status: number; message: string };

/** Paths the WebSocket endpoint answers on: `/` (the original server's) and `/ws`. */
export const websocketPaths = new Set(['/', '/ws']);

/** True when the gateway listens only on this machine. */
export function isLoopbackBinding(host: string): boolean {
  return isLoopbackHost(host);
}

/**
 * Checks a WebSocket upgrade before it is accepted (the HTTP `upgrade` event, never
 * `verifyClient`):
 * - only the WebSocket paths;
 * - on a loopback binding, the `Host` header must name this machine (defeats DNS rebinding);
 * - a browser (`Origin` present) must come from the page the gateway serves (same host and port
 *   as `Host`) or an allowed origin; non-browser clients send no `Origin` and are allowed.
 */
export function checkUpgrade(request: IncomingMessage, policy: UpgradePolicy): UpgradeVerdict {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  if (!websocketPaths.has(path)) return { ok: false, status: 404, message: `No WebSocket endpoint at ${path}` };
  const hostHeader = request.headers.host ?? '';
  if (isLoopbackBinding(policy.host) && !isLoopbackHost(hostnameOfHeader(hostHeader))) {
    return { ok: false, status: 403, message: 'This gateway only accepts connections addressed to this machine.' };
  }
  const origin = request.headers.origin;
  if (origin === undefined) return { ok: true, browser: false };
  if (policy.allowedOrigins?.includes(origin)) return { ok: true, browser: true };
  let originHost: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    originHost = url.host;
  } catch {
    return { ok: false, status: 403, message: 'Connections from this page are not allowed.' };
  }
  if (originHost.toLowerCase() !== hostHeader.toLowerCase()) {
    return { ok: false, status: 403, message: 'Connections from other web sites are not allowed.' };
  }
  return { ok: true, browser: true };
}
