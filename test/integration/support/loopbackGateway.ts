import { createGatewayServer, gatewayOnlyHealth, type GatewayServerOptions } from '../../../electron/core/gateway/gatewayServer';
import type { GatewayHttp } from '../../../electron/core/gateway/httpServer';
import type { WsGateway, WsGatewayOptions } from '../../../electron/core/gateway/wsGateway';
import type { Logger } from '../../../electron/core/log/logger';
import type { Authenticator } from '../../../electron/core/sessions/engine';
import type { SessionRegistry } from '../../../electron/core/sessions/registry';
import type { Health } from '../../../shared/types/health';

/** Options of {@link startLoopbackGateway}. */
export interface LoopbackGatewayOptions {
  /** The sessions behind the gateway (started by the caller). */
  registry: SessionRegistry;
  logger: Logger;
  authenticate: Authenticator;
  /** `name` in `/healthz`. */
  name: string;
  /** `agent` in `/healthz`. Default `direct`. */
  agent?: Health['agent'];
  /** WebSocket gateway options (limits, clock, the `host` policy…). `host` defaults to 127.0.0.1. */
  gateway?: Partial<WsGatewayOptions>;
  /** HTTP server options beyond host, port, logger and health (webRoot, timeouts…). */
  http?: GatewayServerOptions['http'];
}

/** The real HTTP server and WebSocket gateway, listening on 127.0.0.1 at a free port. */
export interface LoopbackGateway {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT` */
  httpUrl: string;
  port: number;
  http: GatewayHttp;
  ws: WsGateway;
  /** Closes the WebSocket gateway (with `reason`), then the HTTP server. The registry is the caller's. */
  close(reason?: string): Promise<void>;
}

/**
 * Starts the gateway ({@link createGatewayServer}, as createCore runs it) on 127.0.0.1:0 with the
 * caller's registry and authenticator, and a `/healthz` that reports the registry's sessions. The
 * socket is always bound to 127.0.0.1; `gateway.host` only sets the policy (e.g. `0.0.0.0` to act
 * as a LAN gateway). Shared by the integration and hardening tests.
 */
export async function startLoopbackGateway(options: LoopbackGatewayOptions): Promise<LoopbackGateway> {
  const { registry, logger } = options;
  const server = createGatewayServer({
    registry,
    logger,
    authenticate: options.authenticate,
    ...options.gateway,
    host: options.gateway?.host ?? '127.0.0.1',
    bindHost: '127.0.0.1',
    port: 0,
    health: gatewayOnlyHealth(registry, { name: options.name, ...(options.agent ? { agent: options.agent } : {}) }),
    ...(options.http ? { http: options.http } : {}),
  });
  await server.start();
  const port = server.port!;
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    port,
    http: server.http!,
    ws: server.ws!,
    close: (reason) => server.stop(reason),
  };
}
