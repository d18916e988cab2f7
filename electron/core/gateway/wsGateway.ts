import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer } from 'ws';

import type { Logger } from '../log/logger';
import { memoryAddressConnections, type AddressConnections } from '../net/addressConnections';
import type { AttemptLimit, AttemptLimiter } from '../net/attemptLimiter';
import { isLoopbackHost } from '../net/loopback';
import { systemClock, type Clock } from '../sessions/clock';
import type { Authenticator } from '../sessions/engine';
import { defaultMessageRateLimit, type RateLimit } from '../sessions/rateLimiter';
import type { SessionRegistry } from '../sessions/registry';
import type { Session } from '../sessions/session';

import { openConnection, type Connection, type ConnectionContext } from './connection';
import { SessionPresenter } from './presenter';
import { SignInPolicy, type LocalSignIn } from './signInPolicy';
import { checkUpgrade, isLoopbackBinding } from './upgradeGuard';

export { normalizeAccessCode, type LocalSignIn } from './signInPolicy';

export interface WsGatewayOptions {
  registry: SessionRegistry;
  authenticate: Authenticator;
  logger: Logger;
  /** Interface the HTTP server is bound to (decides the loopback rules). */
  host: string;
  /** Access code required at `auth` when the gateway is bound beyond loopback. A function is read at every connection (the admin may change it live). */
  accessCode?: string | (() => string | undefined);
  /** Restrict sign-in to these Tallyfy org ids. Default: any org. A function is read at every sign-in. */
  allowedOrgIds?: readonly string[] | (() => readonly string[]);
  /** Extra browser origins allowed to connect. */
  allowedOrigins?: readonly string[];
  local?: LocalSignIn;
  /** Largest accepted frame, bytes; bigger frames close the socket with 1009. Default 64 KiB. */
  maxPayload?: number;
  /** WebSocket ping interval, ms; a peer that misses one pong is dropped. Default 30 s. */
  heartbeatMs?: number;
  /** Per-session message rate. Default 30 burst, 5/s. */
  rateLimit?: RateLimit;
  /**
   * Open sockets one client address may hold when the gateway is bound beyond loopback; more get
   * HTTP 429 at upgrade. Default 32. Not applied on a loopback binding, where every peer is this machine.
   */
  maxConnectionsPerAddress?: number;
  /** Counts open sockets per address for that cap (a cluster passes counts shared by every node). Default: this node's, in memory. */
  addressConnections?: AddressConnections;
  /** Failed sign-ins per address (successes in between do not reset the count). Default 10 per 15 minutes. */
  attemptLimit?: AttemptLimit;
  /** Counts failed sign-ins (a cluster passes a shared store). Default: in memory, with `attemptLimit`. */
  attemptLimiter?: AttemptLimiter;
  /** A connection that has not signed in (or resumed) this long after its upgrade is closed (1008), ms. Default 15,000. */
  signInDeadlineMs?: number;
  /**
   * Connections not yet signed in that may be open at once, from all addresses together; more get
   * HTTP 503 at upgrade (signed-in sessions are never affected). Default 256.
   */
  maxUnauthenticated?: number;
  clock?: Clock;
}

/** The WebSocket half of the gateway, mounted on the HTTP server's `upgrade` event. */
export interface WsGateway {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open sockets right now. */
  readonly connections: number;
  /** True when `auth` needs the access code. */
  readonly accessCodeRequired: boolean;
  /** True while new connections are accepted. */
  readonly accepting: boolean;
  /**
   * Stops accepting teammates: refuses upgrades from other machines with 503 and ends every
   * non-local session (told `reason`, closed with 1001). The desk user's `local` session stays,
   * and loopback upgrades are still accepted so the desk pane can (re)connect with `auth_local`
   * (or `resume` a local session); an `auth` on them gets `auth_error` `GATEWAY_STOPPED`.
   * Undo with {@link resume}.
   */
  suspend(reason: string): void;
  resume(): void;
  /** Ends every session (peers are told and closed with 1001) and stops accepting, for good. */
  close(reason?: string): Promise<void>;
}

/** Shared by every upgrading socket (no closure per socket). */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

function remoteAddress(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

/** Creates the WebSocket gateway: upgrade checks, the protocol codec, limits, and the session wiring. */
export function createWsGateway(options: WsGatewayOptions): WsGateway {
  const { registry, logger } = options;
  const clock = options.clock ?? systemClock;
  const maxPayload = options.maxPayload ?? 64 * 1024;
  const policy = new SignInPolicy({
    host: options.host,
    ...(options.accessCode !== undefined ? { accessCode: options.accessCode } : {}),
    ...(options.allowedOrgIds !== undefined ? { allowedOrgIds: options.allowedOrgIds } : {}),
    ...(options.local ? { local: options.local } : {}),
    ...(options.attemptLimit ? { attemptLimit: options.attemptLimit } : {}),
    ...(options.attemptLimiter ? { attemptLimiter: options.attemptLimiter } : {}),
  });
  const signInDeadlineMs = options.signInDeadlineMs ?? 15_000;
  const maxUnauthenticated = options.maxUnauthenticated ?? 256;
  /** Sockets upgraded (or upgrading) that have not signed in yet. */
  let unauthenticated = 0;
  let refusedForCap = 0;
  const perAddressCap = isLoopbackBinding(options.host) ? Infinity : (options.maxConnectionsPerAddress ?? 32);
  const openPerAddress = options.addressConnections ?? memoryAddressConnections();
  const wss = new WebSocketServer({ noServer: true, maxPayload, clientTracking: true, perMessageDeflate: false });
  const connections = new Set<Connection>();
  const presenters = new WeakMap<Session, SessionPresenter>();
  let closing = false;
  let suspended = false;
  // Started with the first connection, so building a gateway starts no timer.
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const startHeartbeat = (): void => {
    if (heartbeat || closing) return;
    heartbeat = setInterval(() => {
      for (const connection of connections) connection.heartbeat();
    }, options.heartbeatMs ?? 30_000);
    heartbeat.unref();
  };

  const presenterOptions = { idleTimeoutMs: () => registry.idleTimeoutMs };
  const presenterFor = (session: Session): SessionPresenter => {
    let presenter = presenters.get(session);
    if (!presenter) {
      presenter = new SessionPresenter(session, presenterOptions);
      presenters.set(session, presenter);
    }
    return presenter;
  };
  /** A socket stopped holding its place among the address's open sockets. */
  const forgetAddress = (address: string): void => openPerAddress.closed(address);
  // One context for every connection (each connection keeps only its own state: bench §2, docs/performance.md).
  const connectionContext: ConnectionContext = {
    registry,
    authenticate: options.authenticate,
    logger,
    policy,
    clock,
    rateLimit: options.rateLimit ?? defaultMessageRateLimit,
    presenterFor,
    suspended: () => suspended,
    signInDeadlineMs,
    signedIn: () => {
      unauthenticated -= 1;
    },
    closed: (connection, address, waiting) => {
      forgetAddress(address);
      if (waiting) unauthenticated -= 1;
      connections.delete(connection);
    },
  };

  function reject(socket: Duplex, status: number, message: string): void {
    const code = status === 404 ? 'NOT_FOUND' : status === 429 ? 'TOO_MANY_CONNECTIONS' : 'FORBIDDEN';
    const body = JSON.stringify({ error: { code, message } });
    const text = status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : status === 429 ? 'Too Many Requests' : 'Forbidden';
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  return {
    get connections() {
      return wss.clients.size;
    },
    get accessCodeRequired() {
      return policy.accessCodeRequired;
    },
    get accepting() {
      return !closing && !suspended;
    },
    suspend(reason) {
      suspended = true;
      const ended = registry.endWhere((session) => session.kind !== 'local', 'stopped', reason);
      logger.info({ ended }, 'gateway stopped accepting teammates');
    },
    resume() {
      suspended = false;
    },
    handleUpgrade(request, socket, head) {
      socket.on('error', destroyOnError);
      if (closing) return reject(socket, 503, 'The gateway is shutting down.');
      // The desk user's own pane (`auth_local`, loopback only) keeps working while the admin has stopped the gateway.
      if (suspended && !isLoopbackHost(remoteAddress(request)))
        return reject(socket, 503, 'The gateway admin has stopped the gateway for now.');
      const verdict = checkUpgrade(request, {
        host: options.host,
        ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
      });
      if (!verdict.ok) {
        logger.info(
          { status: verdict.status, origin: request.headers.origin, address: remoteAddress(request) },
          'WebSocket upgrade refused',
        );
        return reject(socket, verdict.status, verdict.message);
      }
      const address = remoteAddress(request);
      if (unauthenticated >= maxUnauthenticated) {
        refusedForCap += 1;
        // One line per burst, not one per refused socket.
        if (refusedForCap === 1 || refusedForCap % 500 === 0)
          logger.warn(
            { address, pending: unauthenticated, refused: refusedForCap },
            'WebSocket upgrades refused: too many connections waiting to sign in',
          );
        return reject(socket, 503, 'The gateway has too many connections waiting to sign in. Try again in a moment.');
      }
      if (refusedForCap > 0 && unauthenticated < maxUnauthenticated / 2) refusedForCap = 0;
      const held = openPerAddress.held(address);
      if (held >= perAddressCap) {
        logger.info({ address, held }, 'WebSocket upgrade refused: too many connections from one address');
        return reject(socket, 429, 'Too many connections from this address. Close some, then try again.');
      }
      // Counted from the upgrade, so a burst of handshakes cannot slip past the cap.
      openPerAddress.opened(address);
      unauthenticated += 1;
      // Until the connection exists, a socket that closes gives its places back here; then the connection does (ctx.closed).
      const closedEarly = (): void => {
        forgetAddress(address);
        unauthenticated -= 1;
      };
      socket.once('close', closedEarly);
      const { browser } = verdict;
      wss.handleUpgrade(request, socket, head, (ws) => {
        socket.removeListener('close', closedEarly);
        connections.add(openConnection(ws, address, browser, connectionContext));
        startHeartbeat();
      });
    },
    async close(reason) {
      if (closing) return;
      closing = true;
      if (heartbeat) clearInterval(heartbeat);
      registry.close(reason);
      const open = [...wss.clients];
      await Promise.race([
        Promise.all(
          open.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise<void>((done) => ws.once('close', () => done())))),
        ),
        new Promise((done) => setTimeout(done, 2000).unref()),
      ]);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
