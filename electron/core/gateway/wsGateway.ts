import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type RawData, type WebSocket } from 'ws';

import { allExtensions, closeCodes, decodeClientFrame, encodeFrame } from '../../../shared/protocol';
import type { AuthErrorCode, ClientMessage, Extension, ServerMessage } from '../../../shared/protocol';
import type { Logger } from '../log/logger';
import { createAttemptLimiter, type AttemptLimit, type AttemptLimiter } from '../net/attemptLimiter';
import { isLoopbackHost } from '../net/loopback';
import { tokensMatch } from '../net/tokensMatch';
import { systemClock, type Clock } from '../sessions/clock';
import { AuthFailure, type Authenticator, type Credentials } from '../sessions/engine';
import { TokenBucket, defaultMessageRateLimit, type RateLimit } from '../sessions/rateLimiter';
import type { SessionRegistry } from '../sessions/registry';
import type { Session, SessionChannel } from '../sessions/session';

import { checkUpgrade, isLoopbackBinding } from './upgradeGuard';

/** The desk user's own sign-in (`auth_local`), for the desktop app's chat pane. */
export interface LocalSignIn {
  /** True when `token` is a valid local token (issued by the core for the desktop window); may consume it. */
  verify(token: string): boolean;
  /** The desk user's credentials (TALLYFY_API_KEY / TALLYFY_ORG_ID), when set. */
  credentials(): Credentials | undefined;
}

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

/** An access code as people type it: case, spaces and dashes do not matter (`k7qm 2xpa 9htd` = `K7QM-2XPA-9HTD`). */
export function normalizeAccessCode(code: string): string {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}

function remoteAddress(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

/** Creates the WebSocket gateway: upgrade checks, the protocol codec, limits, and the session wiring. */
export function createWsGateway(options: WsGatewayOptions): WsGateway {
  const { registry, logger } = options;
  const clock = options.clock ?? systemClock;
  const maxPayload = options.maxPayload ?? 64 * 1024;
  const currentAccessCode = (): string | undefined =>
    typeof options.accessCode === 'function' ? options.accessCode() : options.accessCode;
  const currentAllowedOrgs = (): readonly string[] | undefined =>
    typeof options.allowedOrgIds === 'function' ? options.allowedOrgIds() : options.allowedOrgIds;
  const isAccessCodeRequired = (): boolean => !isLoopbackBinding(options.host) && !!currentAccessCode();
  const perAddressCap = isLoopbackBinding(options.host) ? Infinity : (options.maxConnectionsPerAddress ?? 32);
  const openPerAddress = new Map<string, number>();
  const limiter = options.attemptLimiter ?? createAttemptLimiter(options.attemptLimit);
  const signInDeadlineMs = options.signInDeadlineMs ?? 15_000;
  const maxUnauthenticated = options.maxUnauthenticated ?? 256;
  /** Sockets upgraded (or upgrading) that have not signed in yet. */
  let unauthenticated = 0;
  let refusedForCap = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload, clientTracking: true, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();
  let closing = false;
  let suspended = false;
  const stoppedMessage =
    'The gateway admin has stopped the gateway for now: only the desk user can use it on this machine. Try again later.';

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        logger.debug('dropping a peer that missed a heartbeat');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  function reject(socket: Duplex, status: number, message: string): void {
    const code = status === 404 ? 'NOT_FOUND' : status === 429 ? 'TOO_MANY_CONNECTIONS' : 'FORBIDDEN';
    const body = JSON.stringify({ error: { code, message } });
    const text = status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : status === 429 ? 'Too Many Requests' : 'Forbidden';
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  function accept(ws: WebSocket, request: IncomingMessage, browser: boolean, signedIn: () => void): void {
    const address = remoteAddress(request);
    let session: Session = registry.create({ kind: browser ? 'web' : 'ws', address });
    const deadline = setTimeout(() => {
      if (session.authenticated) return;
      logger.info({ address }, 'closing a connection that did not sign in before the deadline');
      channel.close(closeCodes.policy, 'sign-in deadline');
    }, signInDeadlineMs);
    deadline.unref();
    const cleared = (): void => {
      clearTimeout(deadline);
      signedIn();
    };
    const bucket = new TokenBucket(options.rateLimit ?? defaultMessageRateLimit, clock);
    let dropped = 0;
    let authPending = false;
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));

    const channel: SessionChannel = {
      send(message: ServerMessage) {
        if (ws.readyState === ws.OPEN) ws.send(encodeFrame(message));
      },
      close(code, reason) {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
      },
    };
    session.attach(channel);
    const sendRaw = (message: ServerMessage): void => channel.send(message);
    const authError = (code: AuthErrorCode, message: string): void => {
      registry.countError(code);
      sendRaw({ type: 'auth_error', code, message });
    };

    sendRaw({
      type: 'connection_established',
      session_id: session.id,
      message: 'Connected to the Tallyfy MCP Gateway. Sign in with your Tallyfy API key and organization id.',
      extensions: [...allExtensions],
      ...(isAccessCodeRequired() ? { access_code_required: true } : {}),
    });

    const refuseUnauthenticated = (): boolean => {
      if (session.authenticated) return false;
      session.sendError('NOT_AUTHENTICATED', 'Sign in first: send {"type":"auth","api_key":"…","org_id":"…"}.');
      return true;
    };

    /** Checks the credentials with Tallyfy, then signs the session in with `extensions` and answers `auth_success`. */
    const signIn = async (credentials: Credentials, extensions: readonly Extension[] | undefined): Promise<void> => {
      authPending = true;
      try {
        const identity = await options.authenticate(credentials);
        if (session.ended || ws.readyState !== ws.OPEN) return;
        // No reset of the failure count: failures count whatever succeeds in between.
        session.signIn(identity, credentials);
        cleared();
        session.negotiate(extensions);
        sendRaw({
          type: 'auth_success',
          message: `Authenticated as ${identity.user.name} (${identity.user.email}).`,
          session_id: session.id,
          user: identity.user,
          org: identity.org,
          extensions: [...session.extensions],
          ...(session.extensions.has('resume') ? { resume_token: session.issueResumeToken() } : {}),
        });
        logger.info({ session: session.id, user: identity.user.email, org: identity.org.id, kind: session.kind }, 'session signed in');
      } catch (error) {
        if (error instanceof AuthFailure) {
          if (error.code === 'INVALID_CREDENTIALS') await limiter.fail(address);
          authError(error.code, error.message);
        } else {
          logger.warn({ err: error }, 'sign-in check failed');
          authError('TALLYFY_UNAVAILABLE', 'Could not check the credentials with Tallyfy right now. Try again in a moment.');
        }
      } finally {
        authPending = false;
      }
    };

    const handlers: { [T in ClientMessage['type']]: (message: Extract<ClientMessage, { type: T }>) => void | Promise<void> } = {
      ping: () => sendRaw({ type: 'pong' }),
      hello: (message) => {
        session.saidHello = true;
        session.negotiate(message.extensions);
        if (message.client) session.client = message.client;
        session.send({ type: 'welcome', session_id: session.id, extensions: [...session.extensions] });
      },
      auth: async (message) => {
        if (session.authenticated)
          return session.sendError(
            'ALREADY_AUTHENTICATED',
            'This session is already signed in. Open a new connection to sign in as someone else.',
          );
        if (authPending) return session.sendError('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
        if (suspended) return authError('GATEWAY_STOPPED', stoppedMessage);
        if ((await limiter.blockedFor(address)) > 0) {
          authError('TOO_MANY_ATTEMPTS', 'Too many failed sign-ins from this address. Wait a few minutes, then try again.');
          return channel.close(closeCodes.policy, 'too many sign-in attempts');
        }
        const accessCode = isAccessCodeRequired() ? currentAccessCode() : undefined;
        if (accessCode) {
          if (!message.access_code)
            return authError('ACCESS_CODE_REQUIRED', 'This gateway is shared on the network: enter the access code your admin gave you.');
          if (!tokensMatch(normalizeAccessCode(message.access_code), normalizeAccessCode(accessCode))) {
            await limiter.fail(address);
            return authError('ACCESS_CODE_INVALID', 'The access code is wrong. Ask the gateway admin for the current code.');
          }
        }
        const allowedOrgIds = currentAllowedOrgs();
        if (allowedOrgIds?.length && !allowedOrgIds.includes(message.org_id)) {
          await limiter.fail(address);
          return authError('ORG_NOT_ALLOWED', 'This gateway does not accept sign-ins for that organization. Ask the gateway admin.');
        }
        if (message.client) session.client = message.client;
        await signIn({ apiKey: message.api_key, orgId: message.org_id }, message.extensions);
      },
      auth_local: async (message) => {
        if (session.authenticated) return session.sendError('ALREADY_AUTHENTICATED', 'This session is already signed in.');
        if (authPending) return session.sendError('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
        const local = options.local;
        const credentials = local?.credentials();
        if (!local || !isLoopbackHost(address) || !local.verify(message.local_token)) {
          await limiter.fail(address);
          return authError('LOCAL_NOT_AVAILABLE', 'Local sign-in is only for the desktop app on this machine.');
        }
        if (!credentials) return authError('LOCAL_NOT_AVAILABLE', 'Set your Tallyfy API key and organization id in Settings first.');
        session.kind = 'local';
        session.client = 'desktop';
        await signIn(credentials, message.extensions);
      },
      resume: async (message) => {
        if (session.authenticated) return session.sendError('ALREADY_AUTHENTICATED', 'This connection is already signed in.');
        if ((await limiter.blockedFor(address)) > 0) {
          authError('TOO_MANY_ATTEMPTS', 'Too many failed attempts from this address. Wait a few minutes, then sign in again.');
          return channel.close(closeCodes.policy, 'too many attempts');
        }
        const target = registry.get(message.session_id);
        // While stopped only local sessions are left, so a teammate's resume fails like any ended session.
        if (
          !target ||
          target === session ||
          !target.authenticated ||
          (suspended && target.kind !== 'local') ||
          !target.checkResumeToken(message.resume_token)
        ) {
          await limiter.fail(address);
          return session.sendError(
            'RESUME_FAILED',
            'That session cannot be resumed (it ended, expired, or the token is wrong). Sign in again.',
          );
        }
        const fresh = session;
        session = target;
        fresh.detach();
        target.resumeOn(channel, message.extensions);
        cleared();
        logger.info({ session: target.id, user: target.identity?.user.email }, 'session resumed');
      },
      query: async (message) => {
        if (refuseUnauthenticated()) return;
        await session.query(message.content, message.query_id);
      },
      approval: (message) => {
        if (refuseUnauthenticated()) return;
        session.answerApproval(message.request_id, message.approved, message.always === true);
      },
      cancel: (message) => {
        if (refuseUnauthenticated()) return;
        session.cancel(message.query_id);
      },
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      alive.set(ws, true);
      if (!bucket.take()) {
        dropped += 1;
        registry.countError('RATE_LIMITED');
        if (dropped === 1 || dropped % 20 === 0)
          sendRaw({ type: 'error', code: 'RATE_LIMITED', message: 'Too many messages: slow down. Messages sent too fast are dropped.' });
        if (dropped > 200) channel.close(closeCodes.policy, 'message rate');
        return;
      }
      dropped = 0;
      if (isBinary) {
        session.sendError('BINARY_NOT_SUPPORTED', 'Binary frames are not supported: send JSON text.');
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const decoded = decodeClientFrame(text);
      if (!decoded.ok) {
        session.sendError(decoded.code, decoded.message);
        return;
      }
      const message = decoded.message;
      if (message.type !== 'ping') session.touch();
      const handler = handlers[message.type] as (message: ClientMessage) => void | Promise<void>;
      Promise.resolve()
        .then(() => handler(message))
        .catch((error: unknown) => {
          logger.error({ err: error, session: session.id, type: message.type }, 'message handler failed');
          session.sendError('INTERNAL', 'Something went wrong on the gateway. Try again.');
        });
    });

    ws.on('close', () => {
      clearTimeout(deadline);
      alive.delete(ws);
      session.detach(channel);
    });
    ws.on('error', (error) => logger.debug({ err: error, session: session.id }, 'socket error'));
  }

  return {
    get connections() {
      return wss.clients.size;
    },
    get accessCodeRequired() {
      return isAccessCodeRequired();
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
      socket.on('error', () => socket.destroy());
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
      const held = openPerAddress.get(address) ?? 0;
      if (held >= perAddressCap) {
        logger.info({ address, held }, 'WebSocket upgrade refused: too many connections from one address');
        return reject(socket, 429, 'Too many connections from this address. Close some, then try again.');
      }
      // Counted from the upgrade, so a burst of handshakes cannot slip past the cap.
      openPerAddress.set(address, held + 1);
      let counted = true;
      const release = (): void => {
        if (!counted) return;
        counted = false;
        const left = (openPerAddress.get(address) ?? 1) - 1;
        if (left > 0) openPerAddress.set(address, left);
        else openPerAddress.delete(address);
      };
      socket.once('close', release);
      unauthenticated += 1;
      let pending = true;
      const signedIn = (): void => {
        if (!pending) return;
        pending = false;
        unauthenticated -= 1;
      };
      socket.once('close', signedIn);
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request, verdict.browser, signedIn));
    },
    async close(reason) {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
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
