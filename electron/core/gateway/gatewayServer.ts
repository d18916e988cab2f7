import type { Health } from '../../../shared/types/health';
import type { LocalChatConnection } from '../../../shared/types/network';
import type { Service } from '../lifecycle/services';
import type { Credentials } from '../sessions/engine';
import type { SessionRegistry } from '../sessions/registry';

import { startGatewayHttp, type GatewayHttp, type GatewayHttpOptions } from './httpServer';
import { LocalTokens } from './signInPolicy';
import { createWsGateway, type WsGateway, type WsGatewayOptions } from './wsGateway';

/** Options of {@link createGatewayServer}: the WebSocket gateway's, plus where to listen. */
export interface GatewayServerOptions extends Omit<WsGatewayOptions, 'local'> {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address the socket binds to. Default `host` (tests bind 127.0.0.1 and set `host` as the policy only). */
  bindHost?: string;
  /** `/healthz`. */
  health: () => Health;
  /** HTTP server options beyond host, port, logger, health and TLS (routes, upgrades, webRoot, exposed, timeouts). */
  http?: Partial<Omit<GatewayHttpOptions, 'host' | 'port' | 'logger' | 'health' | 'tls'>>;
  /** The certificate for HTTPS + WSS, read at start (after the TLS service loaded it). Default: plain HTTP. */
  tls?: () => { cert: string; key: string } | undefined;
  /**
   * The desk user's own credentials, for the desktop chat pane's one-time `auth_local` tokens
   * ({@link GatewayServer.localChat}). Default: no local sign-in.
   */
  deskCredentials?: () => Credentials | undefined;
}

/** The gateway's HTTP server and WebSocket layer as one service. */
export interface GatewayServer extends Service {
  start(): Promise<void>;
  /** Ends every session (peers told `reason`, closed with 1001), then closes the port. Safe to call twice. */
  stop(reason?: string): Promise<void>;
  /** The port listened on, once started. */
  readonly port: number | undefined;
  /** True once started with a certificate (`https://`, `wss://`). */
  readonly secure: boolean;
  /** True while started and accepting teammates. */
  readonly accepting: boolean;
  /** True while started but suspended by the admin. */
  readonly suspended: boolean;
  /** Stops accepting teammates (ends their sessions, keeps the desk user's); no-op before start. */
  suspend(reason: string): void;
  resume(): void;
  /** How the desktop chat pane reaches the desk user's own session: a loopback URL and a one-time token. */
  localChat(): LocalChatConnection;
  /** The running parts (tests reach the HTTP server and the WebSocket layer here); undefined before start. */
  readonly http: GatewayHttp | undefined;
  readonly ws: WsGateway | undefined;
}

/**
 * The one way to run the gateway (createCore, the tests' gateways and the bench use it): on
 * `start` the HTTP server listens and the WebSocket gateway is mounted on its `upgrade` event; on
 * `stop(reason)` every session is ended (peers told `reason`, closed with 1001), then the port
 * closes. Building it opens no port and starts no timer.
 */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { port, bindHost, health, http: httpOptions, tls, deskCredentials, ...wsOptions } = options;
  const localTokens = deskCredentials ? new LocalTokens() : undefined;
  let http: GatewayHttp | undefined;
  let ws: WsGateway | undefined;
  let secure = false;
  return {
    name: 'gateway',
    async start() {
      const certificate = tls?.();
      http = await startGatewayHttp({
        host: bindHost ?? options.host,
        port,
        logger: options.logger,
        health,
        ...httpOptions,
        ...(certificate ? { tls: certificate } : {}),
      });
      secure = certificate !== undefined;
      ws = createWsGateway({
        ...wsOptions,
        ...(localTokens && deskCredentials
          ? { local: { verify: (token) => localTokens.verify(token), credentials: deskCredentials } }
          : {}),
      });
      http.attachWebSocket(ws);
    },
    async stop(reason) {
      const [openWs, openHttp] = [ws, http];
      ws = undefined;
      http = undefined;
      if (openWs) await openWs.close(reason);
      else options.registry.close(reason);
      await openHttp?.close();
    },
    get port() {
      return http?.port;
    },
    get secure() {
      return secure;
    },
    get accepting() {
      return http !== undefined && (ws?.accepting ?? false);
    },
    get suspended() {
      return ws !== undefined && !ws.accepting;
    },
    suspend: (reason) => ws?.suspend(reason),
    resume: () => ws?.resume(),
    localChat() {
      if (!http || !ws) return { available: false, reason: 'The gateway is not running.' };
      if (!localTokens || !deskCredentials?.())
        return { available: false, reason: 'Set your Tallyfy API key and organization id in Settings to chat here.' };
      return { available: true, wsUrl: `${secure ? 'wss' : 'ws'}://127.0.0.1:${http.port}/`, localToken: localTokens.issue() };
    },
    get http() {
      return http;
    },
    get ws() {
      return ws;
    },
  };
}

/**
 * A `/healthz` for a gateway run without the rest of the core (the tests' gateways, the bench):
 * always `ok`, with the registry's sessions. `agent` defaults to `direct`.
 */
export function gatewayOnlyHealth(registry: SessionRegistry, options: { name: string; agent?: Health['agent'] }): () => Health {
  return () => ({
    status: 'ok',
    name: options.name,
    version: '0',
    uptimeSeconds: 0,
    mode: 'sandbox',
    agent: options.agent ?? 'direct',
    services: { gateway: { running: true }, mcp: { running: false }, sandbox: { running: false } },
    sessions: { active: registry.size, peak: registry.stats().peak },
  });
}
