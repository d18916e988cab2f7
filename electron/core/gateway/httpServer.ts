import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

import type { Health } from '../../../shared/types/health';
import type { Logger } from '../log/logger';
import { close, httpListenerLimits, listen } from '../net/listen';
import { hostnameOfHeader, isLoopbackHost } from '../net/loopback';
import { refusePlaintext } from '../tls/plaintextGuard';

import { pageHeaders, serveStatic } from './staticFiles';
import type { WsGateway } from './wsGateway';

/** An extra WebSocket upgrade handler (the admin events mount here): true when it took the request. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/** An extra HTTP route handler (the admin API mounts here): true when it answered. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean | Promise<boolean>;

export interface GatewayHttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  health: () => Health;
  logger: Logger;
  /** The browser build to serve (`out/web`): `/` chat, `/admin` admin, `/assets/*`. Default: none. */
  webRoot?: string;
  /**
   * Time a client has to send a request's headers (WebSocket upgrades included), ms; slower ones
   * (slowloris) are disconnected. Default 10,000. Checked every second.
   */
  headersTimeoutMs?: number;
  /**
   * True when the gateway is bound beyond loopback: `/healthz` then tells a request that does not
   * come from (and is not addressed to) this machine only that the server is up. Default false.
   */
  exposed?: boolean;
  /** Routes tried before the static files. */
  routes?: RouteHandler[];
  /** Upgrade handlers tried before the WebSocket gateway. */
  upgrades?: UpgradeHandler[];
  /**
   * Serve HTTPS + WSS with this PEM certificate and key instead of HTTP + WS. Plain HTTP on the
   * same port then gets no page and no API (a redirect to https:// or 400; see `refusePlaintext`).
   * Default: none (plain HTTP).
   */
  tls?: { cert: string; key: string };
}

export interface GatewayHttp {
  readonly port: number;
  readonly server: Server;
  /** Mounts the WebSocket gateway on the `upgrade` event (before that, upgrades get 503). */
  attachWebSocket(gateway: WsGateway): void;
  close(): Promise<void>;
}

/** Writes a JSON response with no-store caching. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

const missingWebBuild = `<!doctype html><meta charset="utf-8"><title>Tallyfy MCP Gateway</title>
<body style="font:16px system-ui;margin:3rem;max-width:40rem"><h1>The web page is not built</h1>
<p>Run <code>npm run build:web</code>, then reload. The WebSocket gateway itself is running at this address.</p></body>`;

/**
 * The gateway's HTTP server: `/healthz`, extra routes, the browser build, and the WebSocket
 * upgrade (checked by the WebSocket gateway, never `verifyClient`).
 */
export async function startGatewayHttp(options: GatewayHttpOptions): Promise<GatewayHttp> {
  let ws: WsGateway | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const health = options.health();
      const fromThisMachine = isLoopbackHost(req.socket.remoteAddress ?? '') && isLoopbackHost(hostnameOfHeader(req.headers.host ?? ''));
      // On the LAN, no version, mode, URLs or session counts: only that the server is up.
      sendJson(res, 200, options.exposed && !fromThisMachine ? { status: health.status } : health);
      return;
    }
    for (const route of options.routes ?? []) if (await route(req, res, path)) return;
    if (options.webRoot && (await serveStatic(req, res, options.webRoot, path))) return;
    if ((path === '/' || path === '/admin') && req.method === 'GET') {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...pageHeaders });
      res.end(missingWebBuild);
      return;
    }
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${req.method} ${path}` } });
  };
  const tls = options.tls;
  const createServer = (serverOptions: ServerOptions, listener: RequestListener): Server => {
    if (!tls) return createHttpServer(serverOptions, listener);
    // TLS handshakes get the same deadline as headers (Node's default is 120 s).
    const secure = createHttpsServer(
      { ...serverOptions, cert: tls.cert, key: tls.key, handshakeTimeout: serverOptions.headersTimeout ?? 10_000 },
      listener,
    );
    refusePlaintext(secure, {
      timeoutMs: serverOptions.headersTimeout ?? 10_000,
      onPlaintext: ({ method, path, redirected }) =>
        options.logger.debug({ method, path, redirected }, 'plain HTTP on the TLS port refused'),
    });
    secure.on('tlsClientError', (error) => options.logger.debug({ err: error }, 'TLS handshake failed'));
    // An https.Server has http.Server's whole surface (it runs http's connection handling over TLS).
    return secure as unknown as Server;
  };
  // Node's defaults (60 s, checked every 30 s) let a trickling client hold a socket for up to 90 s.
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(headersTimeout, httpListenerLimits.requestTimeout),
      connectionsCheckingInterval: Math.min(httpListenerLimits.connectionsCheckingInterval, headersTimeout),
      maxHeaderSize: httpListenerLimits.maxHeaderSize,
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        options.logger.error({ err: error }, 'HTTP handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: 'Something went wrong.' } });
        else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = httpListenerLimits.keepAliveTimeout;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    for (const upgrade of options.upgrades ?? []) if (upgrade(req, socket, head)) return;
    if (ws) return ws.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    options.logger.debug({ err: error }, 'bad HTTP request');
    // Say why when we can (headers too large, or too slow), then hang up.
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : undefined;
    if (status && socket.writable)
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    else socket.destroy();
  });
  const port = await listen(server, options.host, options.port, 'The gateway');
  return {
    port,
    server,
    attachWebSocket(gateway) {
      ws = gateway;
    },
    async close() {
      await ws?.close();
      await close(server);
      server.closeAllConnections();
    },
  };
}
