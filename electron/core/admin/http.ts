import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type WebSocket } from 'ws';

import { adminSubprotocol } from '../../../shared/ipc/bridge';
import { fail } from '../../../shared/ipc/result';
import { sendJson } from '../gateway/httpServer';
import type { Logger } from '../log/logger';
import { createAttemptLimiter, defaultAdminGuessLimit, type AttemptLimiter } from '../net/attemptLimiter';
import { hostHeaderNamesThisMachine } from '../net/loopback';
import { tokensMatch } from '../net/tokensMatch';

import { dispatchAdmin, type AdminHandlers } from './dispatch';
import type { AdminEventHub } from './eventHub';

export interface AdminHttpOptions {
  handlers: AdminHandlers;
  events: Pick<AdminEventHub, 'subscribe'>;
  /** The admin token (read on every request, so a changed token applies at once). */
  token: () => string;
  logger: Logger;
  /** Largest request body, bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /** A socket whose unsent events exceed this is closed (1013), bytes. Default 4 MiB. */
  maxBufferedBytes?: number;
  /**
   * True when the gateway is bound beyond loopback. `Host` must name this machine: a loopback
   * name, and on the LAN also an IP literal or the machine's name. Default false (loopback only).
   */
  exposed?: boolean;
  /** Counts wrong admin tokens per address; a used-up address gets 429 with `Retry-After`. Default 10 per 5 minutes, in memory. */
  guessLimiter?: AttemptLimiter;
}

/** The admin's HTTP half: `POST /admin/api/<route>` and the `/admin/events` WebSocket. */
export interface AdminHttp {
  /** Answers `/admin/api/*`; false for any other path (the caller goes on). */
  handleRequest(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  /** Takes the `/admin/events` upgrade; false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Open event sockets. */
  readonly connections: number;
  /** Closes every event socket (1001). */
  close(): void;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve('too-large');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** True when a browser request comes from a page of this same host (or from no page at all). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The browser transport of the admin contract, for the headless server. Every call needs the
 * admin token (`Authorization: Bearer …`; on the event socket the `token.<token>` subprotocol,
 * since browsers cannot set headers there), compared in constant time. Answers are the same
 * `{ok, data}` / `{ok:false, error}` results as over IPC.
 */
export function createAdminHttp(options: AdminHttpOptions): AdminHttp {
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const guesses = options.guessLimiter ?? createAttemptLimiter(defaultAdminGuessLimit);
  const machineName = hostname();
  /** Addresses whose current burst of refusals was logged already (one line per burst). */
  const refusing = new Set<string>();
  const addressOf = (req: IncomingMessage): string => (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  const hostOk = (req: IncomingMessage): boolean => hostHeaderNamesThisMachine(req.headers.host, options.exposed ?? false, machineName);
  /** Ms the address must wait; logs the start of each refused burst with the address. */
  const refusedFor = async (address: string): Promise<number> => {
    const wait = await guesses.blockedFor(address);
    if (wait === 0) refusing.delete(address);
    else if (!refusing.has(address)) {
      refusing.add(address);
      options.logger.warn(
        { address, retryAfterSeconds: Math.ceil(wait / 1000) },
        'admin token guesses refused: too many wrong tokens from this address',
      );
    }
    return wait;
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    perMessageDeflate: false,
    // Answer with the plain subprotocol, never echo the token.
    handleProtocols: (protocols) => (protocols.has(adminSubprotocol) ? adminSubprotocol : false),
  });

  const authorized = (header: string | undefined): boolean => {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    return !!match?.[1] && tokensMatch(match[1], options.token());
  };

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = options.events.subscribe((event, payload) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        ws.close(1013, 'too slow');
        return;
      }
      ws.send(JSON.stringify({ event, payload }));
    });
    const ping = setInterval(() => ws.ping(), 30_000);
    ping.unref();
    ws.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
    ws.on('error', () => ws.terminate());
    // The event socket is one-way; anything the page sends is ignored.
  });

  return {
    async handleRequest(req, res, path) {
      if (!path.startsWith('/admin/api/')) return false;
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendJson(res, 405, fail('METHOD_NOT_ALLOWED', 'Use POST for admin routes.'));
        return true;
      }
      if (!hostOk(req)) {
        options.logger.info({ host: req.headers.host, address: addressOf(req) }, 'admin request refused: foreign Host');
        sendJson(res, 403, fail('FORBIDDEN_HOST', 'The admin API answers only requests addressed to this machine.'));
        return true;
      }
      if (!sameOrigin(req)) {
        sendJson(res, 403, fail('FORBIDDEN_ORIGIN', 'The admin API answers only its own page.'));
        return true;
      }
      const address = addressOf(req);
      const wait = await refusedFor(address);
      if (wait > 0) {
        res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
        sendJson(
          res,
          429,
          fail('TOO_MANY_ATTEMPTS', 'Too many wrong admin tokens from this address. Wait, then use the admin link the server printed.'),
        );
        return true;
      }
      if (!authorized(req.headers.authorization)) {
        await guesses.fail(address);
        res.setHeader('www-authenticate', 'Bearer');
        sendJson(
          res,
          401,
          fail('UNAUTHORIZED', 'The admin token is missing or wrong. Open the admin link the server printed at start-up.'),
        );
        return true;
      }
      const body = await readBody(req, maxBody);
      if (body === 'too-large') {
        sendJson(res, 413, fail('TOO_LARGE', `The request body is larger than ${maxBody} bytes.`));
        return true;
      }
      let input: unknown = {};
      if (body.trim() !== '') {
        try {
          input = JSON.parse(body);
        } catch {
          sendJson(res, 400, fail('INVALID_JSON', 'The request body is not valid JSON.'));
          return true;
        }
      }
      let route: string;
      try {
        route = decodeURIComponent(path.slice('/admin/api/'.length));
      } catch {
        sendJson(res, 400, fail('BAD_PATH', 'The route name in the address is not valid percent-encoding.'));
        return true;
      }
      const result = await dispatchAdmin(options.handlers, route, input);
      sendJson(
        res,
        result.ok ? 200 : result.error.code === 'UNKNOWN_ROUTE' ? 404 : result.error.code === 'INVALID_INPUT' ? 400 : 200,
        result,
      );
      return true;
    },

    handleUpgrade(req, socket, head) {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/admin/events') return false;
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((item) => item.trim());
      const token = offered.find((item) => item.startsWith('token.'))?.slice('token.'.length) ?? '';
      const refuse = (status: string): void => {
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      };
      if (!hostOk(req) || !sameOrigin(req)) {
        options.logger.info({ origin: req.headers.origin, host: req.headers.host }, 'admin events upgrade refused: foreign Host or Origin');
        refuse('403 Forbidden');
        return true;
      }
      const address = addressOf(req);
      void (async () => {
        const wait = await refusedFor(address);
        if (wait > 0) {
          socket.end(
            `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${Math.ceil(wait / 1000)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
          );
          return;
        }
        if (!offered.includes(adminSubprotocol) || !tokensMatch(token, options.token())) {
          await guesses.fail(address);
          options.logger.info({ address }, 'admin events upgrade refused: missing or wrong admin token');
          refuse('401 Unauthorized');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      })();
      return true;
    },

    get connections() {
      return wss.clients.size;
    },

    close() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
