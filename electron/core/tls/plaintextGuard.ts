import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';

/** The first byte of every TLS connection: a handshake record (RFC 8446 §5.1, content type 22). */
const tlsHandshakeByte = 0x16;

/** A `Host` header we are willing to put in a redirect: a host name, IPv4 or bracketed IPv6, and an optional port. */
const safeHostHeader = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export interface PlaintextGuardOptions {
  /**
   * Time a plain-HTTP client has to send its first bytes and its request headers, ms. Default
   * 10,000. A TLS client is then under the HTTPS server's own limits.
   */
  timeoutMs?: number;
  /** Called once per refused or redirected plain-HTTP request (for a debug log line). */
  onPlaintext?: (request: { method: string; path: string; redirected: boolean }) => void;
}

function answer(req: IncomingMessage, res: ServerResponse, options: PlaintextGuardOptions): void {
  const host = req.headers.host ?? '';
  const path = req.url ?? '/';
  const redirect =
    (req.method === 'GET' || req.method === 'HEAD') && safeHostHeader.test(host) && path.startsWith('/') && !path.startsWith('//');
  options.onPlaintext?.({ method: req.method ?? '', path: path.split('?')[0] ?? '/', redirected: redirect });
  const body = 'This gateway speaks HTTPS only. Open the same address with https:// instead of http://.\n';
  const headers = {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    connection: 'close',
  };
  if (redirect) {
    // 308 keeps the method; no Strict-Transport-Security over plain HTTP (browsers ignore it there).
    res.writeHead(308, { ...headers, location: `https://${host}${path}` });
  } else {
    res.writeHead(400, headers);
  }
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Makes an HTTPS server refuse plain HTTP on its own port: each new connection's first byte is
 * read; a TLS handshake goes on to the HTTPS server as usual, anything else is answered by a tiny
 * HTTP responder that serves no page and no API — a `GET`/`HEAD` is redirected (308) to the same
 * path on `https://`, every other request (WebSocket upgrades and API calls included) gets 400,
 * and the connection is closed. Call before the server listens.
 */
export function refusePlaintext(server: HttpsServer, options: PlaintextGuardOptions = {}): void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // The TLS server's own 'connection' listener, which wraps the socket in TLS.
  const tlsListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  const responder = createHttpServer({ headersTimeout: timeoutMs, requestTimeout: timeoutMs, maxHeaderSize: 8 * 1024 }, (req, res) =>
    answer(req, res, options),
  );
  responder.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    options.onPlaintext?.({ method: req.method ?? '', path: (req.url ?? '/').split('?')[0] ?? '/', redirected: false });
    socket.end(
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThis gateway speaks TLS only: use wss://.\n',
    );
  });
  responder.on('clientError', (_error, socket) => socket.destroy());
  // Sockets the HTTPS server does not know yet (no first byte) or never will (plain HTTP): ended on
  // closeIdleConnections(), which closing the gateway calls, so they cannot hold a shutdown open.
  const unknown = new Set<Socket>();
  const closeIdleConnections = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    for (const socket of unknown) socket.destroy();
    closeIdleConnections();
  };
  server.on('connection', (socket: Socket) => {
    unknown.add(socket);
    socket.once('close', () => unknown.delete(socket));
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === tlsHandshakeByte) {
        // The TLS layer applies its own handshake timeout; the HTTPS server its header limits.
        socket.setTimeout(0);
        unknown.delete(socket);
        for (const listener of tlsListeners) listener.call(server, socket);
      } else {
        responder.emit('connection', socket);
        socket.resume();
      }
    });
    socket.on('error', () => socket.destroy());
  });
}
