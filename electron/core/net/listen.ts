import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

/** Thrown when a port cannot be bound; the message says which and what to do. */
export class ListenError extends Error {
  readonly code: string;
  constructor(what: string, host: string, port: number, cause: NodeJS.ErrnoException) {
    const hint =
      cause.code === 'EADDRINUSE'
        ? `port ${port} is already in use — stop the other program or choose another port`
        : cause.code === 'EACCES'
          ? `no permission to bind ${host}:${port} — choose a port above 1023`
          : cause.code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine`
            : cause.message;
    super(`${what} cannot listen on ${host}:${port}: ${hint}`);
    this.name = 'ListenError';
    this.code = cause.code ?? 'LISTEN_FAILED';
  }
}

/**
 * The limits every HTTP listener of the core states (gateway, MCP endpoint): a client has 10 s to
 * send its headers (checked every second, so a slow-loris socket goes after 10–11 s, not Node's
 * ~78 s), 60 s to send the whole request, an idle keep-alive socket is closed after 5 s, and the
 * headers may be 8 KiB at most (431 beyond). Pass to `createServer`, then {@link applyListenerLimits}.
 */
export const httpListenerLimits = {
  /** ms */
  headersTimeout: 10_000,
  /** ms */
  requestTimeout: 60_000,
  /** ms */
  connectionsCheckingInterval: 1_000,
  /** bytes */
  maxHeaderSize: 8 * 1024,
  /** ms (set on the server object: not a createServer option on every Node version) */
  keepAliveTimeout: 5_000,
} as const;

/** Sets the limits of {@link httpListenerLimits} that live on the server object. */
export function applyListenerLimits(server: Server): Server {
  server.keepAliveTimeout = httpListenerLimits.keepAliveTimeout;
  server.headersTimeout = Math.min(server.headersTimeout, httpListenerLimits.headersTimeout);
  return server;
}

/** Listens and resolves with the bound port, or rejects with a {@link ListenError}. */
export function listen(server: NetServer, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(new ListenError(what, host, port, error));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server, ending idle keep-alive connections so it does not hang. */
export function close(server: Server): Promise<void> {
  return new Promise((done) => {
    if (!server.listening) return done();
    server.close(() => done());
    server.closeIdleConnections();
  });
}

/** A URL host part for an address (IPv6 in brackets; 0.0.0.0 shown as 127.0.0.1 for local use). */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
