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
