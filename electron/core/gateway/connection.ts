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
}

/** One open socket, as the gateway's heartbeat sees it. */
export interface Connection {
  /** One heartbeat: pings the peer, or terminates the socket when the last ping went unanswered. */
  heartbeat(): void;
}

const stoppedMessage = 'The gateway admin has stopped the gateway for now: only the desk user can use it on this machine. Try again later.';

/**
 * Serves one WebSocket: its session (created now, or taken over by a `resume`), the message rate
 * limit, frame decoding, and one handler per client message type.
 */
export function openConnection(ws: WebSocket, address: string, browser: boolean, ctx: ConnectionContext, signedIn: () => void): Connection {
  const { registry, logger, policy } = ctx;
  let presenter = ctx.presenterFor(registry.create({ kind: browser ? 'web' : 'ws', address }));
  const deadline = setTimeout(() => {
    if (presenter.session.authenticated) return;
    logger.info({ address }, 'closing a connection that did not sign in before the deadline');
    channel.close(closeCodes.policy, 'sign-in deadline');
  }, ctx.signInDeadlineMs);
  deadline.unref();
  const cleared = (): void => {
    clearTimeout(deadline);
    signedIn();
  };
  const bucket = new TokenBucket(ctx.rateLimit, ctx.clock);
  let alive = true;
  let dropped = 0;
  let authPending = false;
  ws.on('pong', () => {
    alive = true;
  });

  const channel: SessionChannel = {
    send(message: ServerMessage) {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(message));
    },
    close(code, reason) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
  };
  presenter.attach(channel);
  const authError = (code: AuthErrorCode, message: string): void => {
    registry.countError(code);
    channel.send({ type: 'auth_error', code, message });
  };
  const refuse = (refusal: Refusal): void => {
    authError(refusal.code, refusal.message);
    if (refusal.close) channel.close(closeCodes.policy, refusal.close);
  };

  channel.send({
    type: 'connection_established',
    session_id: presenter.session.id,
    message: 'Connected to the Tallyfy MCP Gateway. Sign in with your Tallyfy API key and organization id.',
    extensions: [...allExtensions],
    ...(policy.accessCodeRequired ? { access_code_required: true } : {}),
  });

  const refuseUnauthenticated = (): boolean => {
    if (presenter.session.authenticated) return false;
    presenter.error('NOT_AUTHENTICATED', 'Sign in first: send {"type":"auth","api_key":"…","org_id":"…"}.');
    return true;
  };

  /** Checks the credentials with Tallyfy, then signs the session in with `extensions` and answers `auth_success`. */
  const signIn = async (
    credentials: Credentials,
    extensions: readonly Extension[] | undefined,
    client: string | undefined,
  ): Promise<void> => {
    authPending = true;
    try {
      const identity = await ctx.authenticate(credentials);
      const { session } = presenter;
      if (session.ended || ws.readyState !== ws.OPEN) return;
      // No reset of the failure count: failures count whatever succeeds in between.
      presenter.negotiate(extensions, client);
      session.signIn(identity, credentials);
      cleared();
      channel.send({
        type: 'auth_success',
        message: `Authenticated as ${identity.user.name} (${identity.user.email}).`,
        session_id: session.id,
        user: identity.user,
        org: identity.org,
        extensions: [...presenter.extensions],
        ...(presenter.extensions.has('resume') ? { resume_token: session.issueResumeToken() } : {}),
      });
      logger.info({ session: session.id, user: identity.user.email, org: identity.org.id, kind: session.kind }, 'session signed in');
    } catch (error) {
      if (error instanceof AuthFailure) {
        if (error.code === 'INVALID_CREDENTIALS') await policy.failed(address);
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
    ping: () => channel.send({ type: 'pong' }),
    hello: (message) => {
      presenter.saidHello = true;
      presenter.negotiate(message.extensions, message.client);
      presenter.send({ type: 'welcome', session_id: presenter.session.id, extensions: [...presenter.extensions] });
    },
    auth: async (message) => {
      if (presenter.session.authenticated)
        return presenter.error(
          'ALREADY_AUTHENTICATED',
          'This session is already signed in. Open a new connection to sign in as someone else.',
        );
      if (authPending) return presenter.error('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
      if (ctx.suspended()) return authError('GATEWAY_STOPPED', stoppedMessage);
      const refusal = await policy.checkAuth(address, message);
      if (refusal) return refuse(refusal);
      await signIn({ apiKey: message.api_key, orgId: message.org_id }, message.extensions, message.client);
    },
    auth_local: async (message) => {
      if (presenter.session.authenticated) return presenter.error('ALREADY_AUTHENTICATED', 'This session is already signed in.');
      if (authPending) return presenter.error('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
      const verdict = await policy.checkLocal(address, message.local_token);
      if ('code' in verdict) return refuse(verdict);
      presenter.session.kind = 'local';
      await signIn(verdict.credentials, message.extensions, 'desktop');
    },
    resume: async (message) => {
      if (presenter.session.authenticated) return presenter.error('ALREADY_AUTHENTICATED', 'This connection is already signed in.');
      const blocked = await policy.checkAttempts(address, 'resume');
      if (blocked) return refuse(blocked);
      const resumeFailed = async (): Promise<void> => {
        await policy.failed(address);
        presenter.error('RESUME_FAILED', 'That session cannot be resumed (it ended, expired, or the token is wrong). Sign in again.');
      };
      let target = registry.get(message.session_id);
      if (!target && registry.canRestore && !ctx.suspended()) {
        // Cluster mode: the session's node is gone; restore it from the cluster store (docs/protocol.md).
        if (authPending) return presenter.error('AUTH_IN_PROGRESS', 'A sign-in is already being checked; wait for its answer.');
        authPending = true;
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
          authPending = false;
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
        if (ws.readyState !== ws.OPEN) return restored.session.end('disconnected');
        target = restored.session;
        // The token was checked against the kept hash; the live session has no token until `resumed` issues the next one.
      } else if (
        !target ||
        target === presenter.session ||
        !target.authenticated ||
        // While stopped only local sessions are left, so a teammate's resume fails like any ended session.
        (ctx.suspended() && target.kind !== 'local') ||
        !target.checkResumeToken(message.resume_token)
      ) {
        return resumeFailed();
      }
      const fresh = presenter;
      presenter = ctx.presenterFor(target);
      fresh.detach(channel);
      presenter.resumeOn(channel, message.extensions);
      cleared();
      logger.info({ session: target.id, user: target.identity?.user.email }, 'session resumed');
    },
    query: async (message) => {
      if (refuseUnauthenticated()) return;
      await handleQueryText(presenter.session, presenter.askedInText, message.content, message.query_id);
    },
    approval: (message) => {
      if (refuseUnauthenticated()) return;
      presenter.session.answerApproval(message.request_id, message.approved ? (message.always === true ? 'always' : 'allow') : 'deny');
    },
    question_answer: (message) => {
      if (refuseUnauthenticated()) return;
      presenter.session.answerQuestion(
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
    },
    cancel: (message) => {
      if (refuseUnauthenticated()) return;
      presenter.session.cancel(message.query_id);
    },
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    alive = true;
    if (!bucket.take()) {
      dropped += 1;
      registry.countError('RATE_LIMITED');
      if (dropped === 1 || dropped % 20 === 0)
        channel.send({ type: 'error', code: 'RATE_LIMITED', message: 'Too many messages: slow down. Messages sent too fast are dropped.' });
      if (dropped > 200) channel.close(closeCodes.policy, 'message rate');
      return;
    }
    dropped = 0;
    if (isBinary) return presenter.error('BINARY_NOT_SUPPORTED', 'Binary frames are not supported: send JSON text.');
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const decoded = decodeClientFrame(text);
    if (!decoded.ok) return presenter.error(decoded.code, decoded.message);
    const message = decoded.message;
    if (message.type !== 'ping') presenter.session.touch();
    const handler = handlers[message.type] as (message: ClientMessage) => void | Promise<void>;
    Promise.resolve()
      .then(() => handler(message))
      .catch((error: unknown) => {
        logger.error({ err: error, session: presenter.session.id, type: message.type }, 'message handler failed');
        presenter.error('INTERNAL', 'Something went wrong on the gateway. Try again.');
      });
  });

  ws.on('close', () => {
    clearTimeout(deadline);
    presenter.detach(channel);
  });
  ws.on('error', (error) => logger.debug({ err: error, session: presenter.session.id }, 'socket error'));

  return {
    heartbeat() {
      if (!alive) {
        logger.debug('dropping a peer that missed a heartbeat');
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    },
  };
}
