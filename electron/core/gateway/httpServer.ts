import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import type { Health } from '../../../shared/types/health';
import type { Logger } from '../log/logger';
import { close, listen } from '../net/listen';

export interface GatewayHttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  health: () => Health;
  logger: Logger;
}

export interface GatewayHttp {
  readonly port: number;
  close(): Promise<void>;
}

/** Writes a JSON response with no-store caching. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The gateway's HTTP server: health now; the WebSocket upgrade, web chat and admin mount here. */
export async function startGatewayHttp(options: GatewayHttpOptions): Promise<GatewayHttp> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, 200, options.health());
      return;
    }
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${req.method} ${path}` } });
  });
  server.on('clientError', (error, socket) => {
    options.logger.debug({ err: error }, 'bad HTTP request');
    socket.destroy();
  });
  const port = await listen(server, options.host, options.port, 'The gateway');
  return { port, close: () => close(server) };
}
