import type { RawData, WebSocket } from 'ws';

import { allExtensions, closeCodes, decodeClientFrame, encodeFrame } from '../../../shared/protocol';
import type { AuthErrorCode, ClientMessage, Extension, ServerMessage } from '../../../shared/protocol';
import type { Logger } from '../log/logger';
import type { Clock } from '../sessions/clock';
import { AuthFailure, type Authenticator, type Credentials } from '../sessions/engine';
import { TokenBucket, type RateLimit } from '../sessions/rateLimiter';
import type { SessionRegistry } from '../sessions/registry';
import type { Session } from '../sessions/session';

import { handleQueryText } from './legacyProtocol';
import type { SessionChannel, SessionPresenter } from './presenter';
import type { Refusal, SignInPolicy } from './signInPolicy';

/** What every connection shares (owned by the gateway). */
export interface ConnectionContext {
  registry: SessionRegistry;
  authenticate: Authenticator;
  logger: Logger;
  policy: SignInPolicy;
  clock: Clock;
  rateLimit: RateLimit;
  /** The presenter of `session` (one per session, kept across resumes). */
  presenterFor(session: Session): SessionPresenter;
  /** True while the admin has stopped the gateway for teammates. */
  suspended(): boolean;
  /** A connection that has not signed in (or resumed) this long after its upgrade is closed (1008), ms. */
  signInDeadlineMs: number;
  /** A connection signed in or resumed (once per connection): it no longer counts as waiting. */
  signedIn(): void;
  /** The socket closed (once per connection); `waiting` when it never signed in or resumed. */
  closed(connection: Connection, address: string, waiting: boolean): void;
}

/** One open socket, as the gateway's heartbeat sees it. */
export interface Connection {
  /** One heartbeat: pings the peer, or terminates the socket when the last ping went unanswered. */
  heartbeat(): void;
}

const stoppedMessage = 'The gateway admin has stopped the gateway for now: only the desk user can use it on this machine. Try again later.';

/**
 * Serves one WebSocket: its session (created now, or taken over by a `resume`), the message rate
 * limit, frame decoding, and one handler per client message type. Tells `ctx` once when it signs
 * in (or resumes) and once when its socket closes.
 */
export function openConnection(ws: WebSocket, address: string, browser: boolean, ctx: ConnectionContext): Connection {
  return new WsConnection(ws, address, browser, ctx);
}

const connectionOf = Symbol('connection');
type TaggedSocket = WebSocket & { [connectionOf]?: WsConnection };

/**
 * One connection's state and handlers as a class: its methods live once on the prototype, so an
 * idle connection holds its fields and four socket listeners, not a closure per handler
 * (bench §2, docs/performance.md). It is its session's {@link SessionChannel}.
 */
class WsConnection implements Connection, SessionChannel {
  #presenter: SessionPresenter;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #bucket: TokenBucket;
  #alive = true;
  #dropped = 0;
  #authPending = false;
  /** Not signed in or resumed yet (counted as waiting by the gateway). */
  #waiting = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly address: string,
    browser: boolean,
    private readonly ctx: ConnectionContext,
  ) {
    const { registry, policy } = ctx;
    this.#presenter = ctx.presenterFor(registry.create({ kind: browser ? 'web' : 'ws', address }));
    this.#deadline = setTimeout(() => this.#deadlinePassed(), ctx.signInDeadlineMs);
    this.#deadline.unref();
    this.#bucket = new TokenBucket(ctx.rateLimit, ctx.clock);
    (ws as TaggedSocket)[connectionOf] = this;
    ws.on('pong', WsConnection.#onPong);
    this.#presenter.attach(this);
    this.send({
      type: 'connection_established',
      session_id: this.#presenter.session.id,
      message: 'Connected to the Tallyfy MCP Gateway. Sign in with your Tallyfy API key and organization id.',
      extensions: [...allExtensions],
      ...(policy.accessCodeRequired ? { access_code_required: true } : {}),
    });
    ws.on('message', WsConnection.#onSocketMessage);
    ws.on('close', WsConnection.#onClose);
    ws.on('error', WsConnection.#onError);
  }

  // The socket listeners are shared by every connection (`this` is the socket; it points back at its connection).
  static #onPong(this: TaggedSocket): void {
    const connection = this[connectionOf];
    if (connection) connection.#alive = true;
  }

  static #onSocketMessage(this: TaggedSocket, data: RawData, isBinary: boolean): void {
    const connection = this[connectionOf];
    if (connection) connection.#onMessage(data, isBinary);
  }

  static #onClose(this: TaggedSocket): void {
    const connection = this[connectionOf];
    if (!connection) return;
    connection.#clearDeadline();
    connection.#presenter.detach(connection);
    connection.ctx.closed(connection, connection.address, connection.#waiting);
  }

  static #onError(this: TaggedSocket, error: Error): void {
    const connection = this[connectionOf];
    connection?.ctx.logger.debug({ err: error, session: connection.#presenter.session.id }, 'socket error');
  }

  send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeFrame(message));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  heartbeat(): void {
    if (!this.#alive) {
      this.ctx.logger.debug('dropping a peer that missed a heartbeat');
      this.ws.terminate();
      return;
    }
    this.#alive = false;
    this.ws.ping();
  }

  #deadlinePassed(): void {
    this.#deadline = undefined;
    if (this.#presenter.session.authenticated) return;
    this.ctx.logger.info({ address: this.address }, 'closing a connection that did not sign in before the deadline');
    this.close(closeCodes.policy, 'sign-in deadline');
  }

  #clearDeadline(): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  /** Signed in or resumed: no deadline any more, and the gateway stops counting this socket as waiting. */
  #cleared(): void {
    this.#clearDeadline();
    if (!this.#waiting) return;
    this.#waiting = false;
    this.ctx.signedIn();
  }

  #authError(code: AuthErrorCode, message: string): void {
    this.ctx.registry.countError(code);
    this.send({ type: 'auth_error', code, message });
  }

  #refuse(refusal: Refusal): void {
    this.#authError(refusal.code, refusal.message);
    if (refusal.close) this.close(closeCodes.policy, refusal.close);
  }

  #refuseUnauthenticated(): boolean {
    if (this.#presenter.session.authenticated) return false;
    this.#presenter.error('NOT_AUTHENTICATED', 'Sign in first: send {"type":"auth","api_key":"…","org_id":"…"}.');
    return true;
  }

  /** Checks the credentials with Tallyfy, then signs the session in with `extensions` and answers `auth_success`. */
  async #signIn(credentials: Credentials, extensions: readonly Extension[] | undefined, client: string | undefined): Promise<void> {
    const { ctx, ws } = this;
    this.#authPending = true;
    try {
      const identity = await ctx.authenticate(credentials);
      const presenter = this.#presenter;
      const { session } = presenter;
      if (session.ended || ws.readyState !== ws.OPEN) return;
      // No reset of the failure count: failures count whatever succeeds in between.
      presenter.negotiate(extensions, client);
      session.signIn(identity, credentials);
      this.#cleared();
      this.send({
        type: 'auth_success',
        message: `Authenticated as ${identity.user.name} (${identity.user.email}).`,
        session_id: session.id,
        user: identity.user,
        org: identity.org,
        extensions: [...presenter.extensions],
        ...(presenter.extensions.has('resume') ? { resume_token: session.issueResumeToken() } : {}),
      });
      ctx.logger.info({ session: session.id, user: identity.user.email, org: identity.org.id, kind: session.kind }, 'session signed in');
    } catch (error) {
      if (error instanceof AuthFailure) {
        if (error.code === 'INVALID_CREDENTIALS') await ctx.policy.failed(this.address);
        this.#authError(error.code, error.message);
      } else {
        ctx.logger.warn({ err: error }, 'sign-in check failed');
        this.#authError('TALLYFY_UNAVAILABLE', 'Could not check the credentials with Tallyfy right now. Try again in a moment.');
      }
    } finally {
      this.#authPending = false;
    }
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.#alive = true;
    if (!this.#bucket.take()) {
      this.#dropped += 1;
      this.ctx.registry.countError('RATE_LIMITED');
      if (this.#dropped === 1 || this.#dropped % 20 === 0)
        this.send({ type: 'error', code: 'RATE_LIMITED', message: 'Too many messages: slow down. Messages sent too fast are dropped.' });
      if (this.#dropped > 200) this.close(closeCodes.policy, 'message rate');
      return;
    }
    this.#dropped = 0;
    const presenter = this.#presenter;
    if (isBinary) return presenter.error('BINARY_NOT_SUPPORTED', 'Binary frames are not supported: send JSON text.');
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const decoded = decodeClientFrame(text);
    if (!decoded.ok) return presenter.error(decoded.code, decoded.message);
    const message = decoded.message;
    if (message.type !== 'ping') presenter.session.touch();
    Promise.resolve()
      .then(() => this.#handle(message))
      .catch((error: unknown) => {
        this.ctx.logger.error({ err: error, session: this.#presenter.session.id, type: message.type }, 'message handler failed');
        this.#presenter.error('INTERNAL', 'Something went wrong on the gateway. Try again.');
      });
  }

  /** One handler per client message type (a missing case does not compile: `noImplicitReturns` and the `never` check). */
  async #handle(message: ClientMessage): Promise<void> {
    const { ctx, address } = this;
    const { registry, policy } = ctx;
    const presenter = this.#presenter;
    switch (message.type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'hello':
        presenter.saidHello = true;
        presenter.negotiate(message.extensions, message.client);
        return presenter.send({ type: 'welcome', session_id: presenter.session.id, extensions: [...presenter.extensions] });
      case 'auth': {
        if (presenter.session.authenticated)
          return presenter.error(
            'ALREADY_AUTHENTICATED',
            'This session is already signed in. Open a new connection to sign in as someone else.',
          );
        if (this.#authPending) return presenter.error('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
        if (ctx.suspended()) return this.#authError('GATEWAY_STOPPED', stoppedMessage);
        const refusal = await policy.checkAuth(address, message);
        if (refusal) return this.#refuse(refusal);
        return this.#signIn({ apiKey: message.api_key, orgId: message.org_id }, message.extensions, message.client);
      }
      case 'auth_local': {
        if (presenter.session.authenticated) return presenter.error('ALREADY_AUTHENTICATED', 'This session is already signed in.');
        if (this.#authPending) return presenter.error('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
        const verdict = await policy.checkLocal(address, message.local_token);
        if ('code' in verdict) return this.#refuse(verdict);
        presenter.session.kind = 'local';
        return this.#signIn(verdict.credentials, message.extensions, 'desktop');
      }
      case 'resume': {
        if (presenter.session.authenticated) return presenter.error('ALREADY_AUTHENTICATED', 'This connection is already signed in.');
        const blocked = await policy.checkAttempts(address, 'resume');
        if (blocked) return this.#refuse(blocked);
        const resumeFailed = async (): Promise<void> => {
          await policy.failed(address);
          this.#presenter.error('RESUME_FAILED', 'That session cannot be resumed (it ended, expired, or the token is wrong). Sign in again.');
        };
        let target = registry.get(message.session_id);
        if (!target && registry.canRestore && !ctx.suspended()) {
          // Cluster mode: the session's node is gone; restore it from the cluster store (docs/protocol.md).
          if (this.#authPending) return presenter.error('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
          this.#authPending = true;
          let restored;
          try {
            restored = await registry.restore(
              {
                sessionId: message.session_id,
                token: message.resume_token,
                credentials: message.api_key && message.org_id ? { apiKey: message.api_key, orgId: message.org_id } : undefined,
                address,
              },
              ctx.authenticate,
            );
          } finally {
            this.#authPending = false;
          }
          if (restored.outcome === 'needs_sign_in')
            return presenter.error(
              'RESUME_NEEDS_SIGN_IN',
              'Your session moved to another gateway node. Send the resume again with your Tallyfy API key and organization id to continue the same conversation.',
            );
          if (restored.outcome === 'unavailable')
            return presenter.error(
              restored.what === 'tallyfy' ? 'TALLYFY_ERROR' : 'INTERNAL',
              restored.what === 'tallyfy'
                ? 'Could not check your credentials with Tallyfy right now. Try again in a moment.'
                : 'The gateway cannot reach its cluster store right now. Try again in a moment.',
            );
          if (restored.outcome === 'refused') return resumeFailed();
          // The peer left while Tallyfy was asked: let it go (the kept copy stays for its next try).
          if (this.ws.readyState !== this.ws.OPEN) return restored.session.end('disconnected');
          target = restored.session;
          // The token was checked against the kept hash; the live session has no token until `resumed` issues the next one.
        } else if (
          !target ||
          target === this.#presenter.session ||
          !target.authenticated ||
          // While stopped only local sessions are left, so a teammate's resume fails like any ended session.
          (ctx.suspended() && target.kind !== 'local') ||
          !target.checkResumeToken(message.resume_token)
        ) {
          return resumeFailed();
        }
        const fresh = this.#presenter;
        this.#presenter = ctx.presenterFor(target);
        fresh.detach(this);
        this.#presenter.resumeOn(this, message.extensions);
        this.#cleared();
        ctx.logger.info({ session: target.id, user: target.identity?.user.email }, 'session resumed');
        return;
      }
      case 'query':
        if (this.#refuseUnauthenticated()) return;
        return handleQueryText(presenter.session, presenter.askedInText, message.content, message.query_id);
      case 'approval':
        if (this.#refuseUnauthenticated()) return;
        return presenter.session.answerApproval(
          message.request_id,
          message.approved ? (message.always === true ? 'always' : 'allow') : 'deny',
        );
      case 'question_answer':
        if (this.#refuseUnauthenticated()) return;
        return presenter.session.answerQuestion(
          message.request_id,
          message.answered
            ? {
                answered: true,
                ...(message.answers ? { answers: message.answers } : {}),
                ...(message.ranking ? { ranking: message.ranking } : {}),
                ...(message.confirmed !== undefined ? { confirmed: message.confirmed } : {}),
              }
            : { answered: false, reason: 'declined' },
        );
      case 'cancel':
        if (this.#refuseUnauthenticated()) return;
        return presenter.session.cancel(message.query_id);
      default: {
        const unknown: never = message;
        return unknown;
      }
    }
  }
}
