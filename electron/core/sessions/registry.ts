import type { AuditEntry } from '../../../shared/types/audit';
import { emptyGatewayStats, type GatewayStats } from '../../../shared/types/gatewayStats';
import type { ClientKind, SessionSnapshot } from '../../../shared/types/session';
import type { Logger } from '../log/logger';
import type { SecretRegistry } from '../log/redact';

import { systemClock, type Clock, type ClockTimer } from './clock';
import { parseStoredConversation, resumeTokenMatches, type ConversationStore } from './conversationStore';
import { AuthFailure, type Authenticator, type Credentials, type QueryEngine, type ToolHostFactory } from './engine';
import type { QueryGate } from './queryGate';
import { Session, type FinishedToolCall, type SessionDeps, type SessionEndReason, type SessionEvent } from './session';
import { addUsage } from './statsCollector';

/** A change in the registry, for the admin view (snapshots only: no credentials, no text). */
export type RegistryEvent =
  | { type: 'added'; session: SessionSnapshot }
  | { type: 'updated'; session: SessionSnapshot }
  | { type: 'removed'; id: string; reason: SessionEndReason };

/** Where finished tool calls go on record (the audit trail in `electron/core/audit`). */
export interface AuditSink {
  record(entry: Omit<AuditEntry, 'id' | 'at'>): unknown;
}

export interface SessionRegistryOptions {
  /** Every finished tool call of a signed-in session is recorded here. Default: none. */
  audit?: AuditSink;
  secrets: SecretRegistry;
  logger: Logger;
  engine: QueryEngine;
  toolHostFactory: ToolHostFactory;
  /** Idle time before a session is closed, minutes. Default 60. */
  idleTimeoutMinutes?: number;
  /** How long before expiry the idle warning goes out, ms. Default 5 minutes, at most half the timeout. */
  idleWarningMs?: number;
  /** Release a session's tool host after this long without tool use, ms. Default 5 minutes. */
  toolReleaseMs?: number;
  /** How long a disconnected session that negotiated `resume` waits for its peer, ms. Default 2 minutes. */
  resumeGraceMs?: number;
  /** A connection that has not signed in after this long is closed, ms. Default 10 minutes. */
  signInTimeoutMs?: number;
  /** How often the reaper looks at sessions, ms. Default 5 s. */
  sweepIntervalMs?: number;
  /** How long an approval question waits, ms. Default 2 minutes (the only approval timeout: sessions/approvalBroker). */
  approvalTimeoutMs?: number;
  /** Default: the system clock. Tests pass a `FakeClock` (sessions/testing/fakeClock.ts). */
  clock?: Clock;
  /** The admin's spending controls (budget check at query start, usage recording). Default: none. */
  gate?: QueryGate;
  /**
   * Cluster mode: resumable sessions keep their conversation in this store (named by this node),
   * and {@link SessionRegistry.restore} brings back the sessions of a node that died. Default: none
   * (every session lives in this process's memory only).
   */
  conversations?: { store: ConversationStore; node: string | (() => string) };
}

/**
 * How {@link SessionRegistry.restore} went: `restored`; `needs_sign_in` (the token is right but no
 * credentials came); `refused` (unknown session, wrong token, other user or org, bad key: one
 * answer, so nothing tells which); `unavailable` (the store or Tallyfy could not be asked).
 */
export type RestoreOutcome =
  | { outcome: 'restored'; session: Session }
  | { outcome: 'needs_sign_in' }
  | { outcome: 'refused' }
  | { outcome: 'unavailable'; what: 'store' | 'tallyfy' };

const latencySampleLimit = 1000;

/**
 * Every live session, the idle reaper and the aggregate statistics. The gateway creates
 * sessions here; the admin view reads {@link list}, {@link stats} and {@link subscribe}, and
 * {@link kick}s. The desk user's pane gets a `local` session from {@link create}.
 */
export class SessionRegistry {
  readonly clock: Clock;
  /** Idle time before a session is closed, ms. Changed with {@link setIdleTimeout}. */
  idleTimeoutMs: number;
  readonly toolReleaseMs: number;
  readonly resumeGraceMs: number;
  readonly signInTimeoutMs: number;
  readonly #sessions = new Map<string, Session>();
  readonly #listeners = new Set<(event: RegistryEvent) => void>();
  #timer: ClockTimer | undefined;
  #closed = false;
  #stats: GatewayStats = emptyGatewayStats();

  /** What every session shares: one object for all of them, not one per session (bench §2). */
  readonly #sessionDeps: SessionDeps;

  constructor(private readonly options: SessionRegistryOptions) {
    this.clock = options.clock ?? systemClock;
    const idleTimeout = (): number => this.idleTimeoutMs;
    this.#sessionDeps = {
      clock: this.clock,
      secrets: options.secrets,
      logger: options.logger,
      engine: options.engine,
      toolHostFactory: options.toolHostFactory,
      // Read live, so a changed idle timeout applies to sessions already open.
      get idleTimeoutMs() {
        return idleTimeout();
      },
      ...(options.approvalTimeoutMs !== undefined ? { approvalTimeoutMs: options.approvalTimeoutMs } : {}),
      gate: options.gate,
      conversations: options.conversations,
    };
    this.idleTimeoutMs = (options.idleTimeoutMinutes ?? 60) * 60_000;
    this.toolReleaseMs = options.toolReleaseMs ?? 5 * 60_000;
    this.resumeGraceMs = options.resumeGraceMs ?? 2 * 60_000;
    this.signInTimeoutMs = options.signInTimeoutMs ?? 10 * 60_000;
  }

  /**
   * Changes the idle timeout (minutes) for every session, open ones included; the warning lead
   * keeps its configured length, at most half the timeout. Sessions already past it close at the next sweep.
   */
  setIdleTimeout(minutes: number): void {
    this.idleTimeoutMs = minutes * 60_000;
  }

  /** How long before expiry the idle warning goes out, ms: the configured lead, at most half the timeout. */
  get idleWarningMs(): number {
    return Math.min(this.options.idleWarningMs ?? 5 * 60_000, this.idleTimeoutMs / 2);
  }

  /** Starts the idle reaper (every `sweepIntervalMs`). */
  start(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = this.clock.setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 5000);
  }

  /** Creates a session for a new connection (`web`/`ws`) or for the desk user's pane (`local`). */
  create(init: { kind: ClientKind; address: string; id?: string }): Session {
    if (this.#closed) throw new Error('The session registry is closed.');
    const session = new Session(init.kind, init.address, this.#sessionDeps, init.id);
    session.on((event) => this.#onSessionEvent(session, event));
    this.#sessions.set(session.id, session);
    this.#stats.sessionsTotal += 1;
    this.#stats.peak = Math.max(this.#stats.peak, this.#sessions.size);
    this.#emit({ type: 'added', session: session.snapshot() });
    return session;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** True when sessions of other nodes can be restored here (cluster mode). */
  get canRestore(): boolean {
    return this.options.conversations !== undefined;
  }

  /**
   * Brings back session `sessionId`, kept in the cluster's store by a node that is gone: checks
   * `token` against the kept hash (constant time) and, with `credentials`, asks Tallyfy (`authenticate`)
   * whether the key is the same user and org the session had. Tallyfy is asked whenever credentials
   * came, whatever the token, so the time taken does not tell a wrong token from a wrong key. The
   * restored session is not attached yet: the caller moves the connection onto it.
   */
  async restore(
    request: { sessionId: string; token: string; credentials: Credentials | undefined; address: string },
    authenticate: Authenticator,
  ): Promise<RestoreOutcome> {
    const kept = this.options.conversations;
    if (!kept || this.#closed) return { outcome: 'refused' };
    let stored;
    try {
      stored = await kept.store.load(request.sessionId);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not read the cluster conversation store');
      return { outcome: 'unavailable', what: 'store' };
    }
    const record = stored ? parseStoredConversation(stored) : undefined;
    const tokenRight = record !== undefined && resumeTokenMatches(request.token, record.meta.tokenHash);
    if (!request.credentials) return tokenRight ? { outcome: 'needs_sign_in' } : { outcome: 'refused' };
    let identity;
    try {
      identity = await authenticate(request.credentials);
    } catch (error) {
      if (error instanceof AuthFailure && error.code === 'INVALID_CREDENTIALS') return { outcome: 'refused' };
      this.options.logger.warn({ err: error }, 'could not check credentials with Tallyfy for a restore');
      return { outcome: 'unavailable', what: 'tallyfy' };
    }
    if (!record || !tokenRight || identity.user.id !== record.meta.identity.user.id || identity.org.id !== record.meta.identity.org.id)
      return { outcome: 'refused' };
    // Restored meanwhile by another connection to this node: that one holds it now.
    if (this.#sessions.has(request.sessionId) || this.#closed) return { outcome: 'refused' };
    // Take it over in the store first, atomically: of two restores at once (here or on another node), one wins.
    const here = typeof kept.node === 'function' ? kept.node() : kept.node;
    try {
      if (!stored || !(await kept.store.claim(request.sessionId, stored.owner, here))) return { outcome: 'refused' };
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not claim the session in the cluster conversation store');
      return { outcome: 'unavailable', what: 'store' };
    }
    if (this.#sessions.has(request.sessionId) || this.#closed) return { outcome: 'refused' };
    const session = this.create({ kind: record.meta.kind, address: request.address, id: request.sessionId });
    session.restoreFrom(record, identity, request.credentials);
    this.options.logger.info({ session: session.id, user: identity.user.email, from: stored?.owner }, 'session restored from the cluster store');
    return { outcome: 'restored', session };
  }

  /** Snapshots of every live session, oldest first. */
  list(): SessionSnapshot[] {
    return [...this.#sessions.values()].map((session) => session.snapshot());
  }

  /** Live sessions (for the gateway and tests). */
  sessions(): Session[] {
    return [...this.#sessions.values()];
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Ends a session as the admin's decision; the peer is told `reason`. False when there is no such session. */
  kick(id: string, reason?: string): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    session.end('kicked', reason);
    return true;
  }

  /** Listens to added/updated/removed events; returns the unsubscribe function. */
  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Counts an error of `kind` that happened outside a session (failed sign-ins, bad frames). */
  countError(kind: string): void {
    this.#stats.errors[kind] = (this.#stats.errors[kind] ?? 0) + 1;
  }

  /** Aggregate statistics (a copy). */
  stats(): GatewayStats {
    const sessions = [...this.#sessions.values()];
    return structuredClone({
      ...this.#stats,
      active: sessions.length,
      authenticated: sessions.filter((session) => session.authenticated).length,
    });
  }

  /**
   * One pass of the reaper: warns sessions close to idle expiry, ends expired ones, closes
   * connections that never signed in, ends detached sessions whose resume grace ran out, and
   * releases tool hosts nobody used lately.
   * A running query counts as activity.
   */
  sweep(): void {
    const now = this.clock.now();
    for (const session of [...this.#sessions.values()]) {
      if (session.detachedAt !== undefined && now - session.detachedAt >= this.resumeGraceMs) {
        session.end('resume_expired');
        continue;
      }
      if (session.running) {
        session.lastActiveAt = Math.max(session.lastActiveAt, now - 1);
        continue;
      }
      if (!session.authenticated && now - session.connectedAt >= Math.min(this.signInTimeoutMs, this.idleTimeoutMs)) {
        session.end('idle_expired');
        continue;
      }
      const expiresAt = session.lastActiveAt + this.idleTimeoutMs;
      if (now >= expiresAt) {
        session.end('idle_expired');
        continue;
      }
      if (session.authenticated && !session.idleWarned && now >= expiresAt - this.idleWarningMs) session.warnIdle(expiresAt);
      if (session.hasTools && now - session.lastToolUseAt >= this.toolReleaseMs) void session.releaseTools();
    }
  }

  /** Ends every session `where` says (e.g. every non-local one when the admin stops the gateway). */
  endWhere(where: (session: Session) => boolean, reason: SessionEndReason, detail?: string): number {
    let count = 0;
    for (const session of [...this.#sessions.values()]) {
      if (!where(session)) continue;
      session.end(reason, detail);
      count += 1;
    }
    return count;
  }

  /** Ends every session with `shutdown` (peers are told and closed with 1001) and stops the reaper. */
  close(detail?: string): void {
    this.#closed = true;
    if (this.#timer) this.clock.clearInterval(this.#timer);
    this.#timer = undefined;
    for (const session of [...this.#sessions.values()]) session.end('shutdown', detail);
  }

  /** Puts a finished tool call of a signed-in session on the audit trail. */
  #audit(session: Session, tool: string, call: FinishedToolCall): void {
    const identity = session.identity;
    if (!identity || !this.options.audit) return;
    const client = session.connection.client;
    try {
      this.options.audit.record({
        user: { id: identity.user.id, name: identity.user.name, email: identity.user.email },
        org: { id: identity.org.id, ...(identity.org.name ? { name: identity.org.name } : {}) },
        session: { id: session.id, kind: session.kind, ...(client ? { client } : {}) },
        tool,
        ...(call.title ? { title: call.title } : {}),
        args: call.args,
        approval: call.approval,
        status: call.status,
        durationMs: call.durationMs,
        ...(call.summary ? { summary: call.summary } : {}),
      });
    } catch (error) {
      this.options.logger.error({ err: error }, 'a tool call could not be put on the audit trail');
    }
  }

  /** Keeps the aggregate statistics and tells the admin view, from each session's events. */
  #onSessionEvent(session: Session, event: SessionEvent): void {
    switch (event.type) {
      case 'changed':
        if (this.#sessions.has(session.id)) this.#emit({ type: 'updated', session: session.snapshot() });
        return;
      case 'ended':
        if (!this.#sessions.delete(session.id)) return;
        this.options.logger.info({ session: session.id, reason: event.reason, user: session.identity?.user.email }, 'session ended');
        this.#emit({ type: 'removed', id: session.id, reason: event.reason });
        return;
      case 'query_done':
        this.#stats.queries += 1;
        this.#stats.latency.push({ at: this.clock.now(), ms: event.latencyMs });
        if (this.#stats.latency.length > latencySampleLimit) this.#stats.latency.splice(0, this.#stats.latency.length - latencySampleLimit);
        if (this.#sessions.has(session.id)) this.#emit({ type: 'updated', session: session.snapshot() });
        return;
      case 'tool_result': {
        const entry = (this.#stats.toolCalls[event.tool] ??= { count: 0, errors: 0 });
        entry.count += 1;
        if (event.status !== 'ok') entry.errors += 1;
        this.#audit(session, event.tool, event.record);
        return;
      }
      case 'error':
        this.countError(event.code);
        return;
      case 'usage': {
        const identity = session.identity;
        if (!identity) return;
        const key = `${identity.org.id}:${identity.user.id}`;
        const entry = (this.#stats.tokensByUser[key] ??= {
          name: identity.user.name,
          email: identity.user.email,
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        });
        addUsage(entry, event.usage);
        this.options.gate?.usage(session, event.usage);
        return;
      }
      default:
        return;
    }
  }

  #emit(event: RegistryEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'a session listener failed');
      }
    }
  }
}
