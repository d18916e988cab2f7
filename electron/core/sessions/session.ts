import { randomUUID } from 'node:crypto';

import type { ClientKind, SessionSnapshot, SessionState } from '../../../shared/types/session';
import type { Logger } from '../log/logger';
import type { SecretRegistry } from '../log/redact';
import { SessionScrubber } from '../log/sessionScrubber';
import type { ToolHost } from '../mcp/toolHost';

import { ApprovalBroker, type PendingApproval } from './approvalBroker';
import type { Clock } from './clock';
import { ConversationRecorder, type ConversationStore, type RestoredConversation } from './conversationStore';
import { CredentialVault } from './credentialVault';
import type { ApprovalAnswer, Credentials, EngineConversation, Identity, QueryEngine, ToolHostFactory, UserAnswer } from './engine';
import type { GatedSession, QueryGate } from './queryGate';
import { QueryRunner } from './queryRunner';
import { QuestionBroker, type PendingQuestion } from './questionBroker';
import type { SessionEndReason, SessionEvent, SessionListener } from './sessionEvents';
import { StatsCollector } from './statsCollector';
import { Transcript, type TranscriptEntry } from './transcript';

export type { FinishedToolCall, SessionEndReason, SessionEvent, SessionListener } from './sessionEvents';

/** What every session shares: time, secrets, logging, the assistant, the tool factory, limits. */
export interface SessionDeps {
  clock: Clock;
  secrets: SecretRegistry;
  logger: Logger;
  engine: QueryEngine;
  toolHostFactory: ToolHostFactory;
  /** Idle time before expiry, ms (read live: the admin may change it). */
  readonly idleTimeoutMs: number;
  /** How long an approval question waits before it counts as a no, ms. Default 2 minutes (approvalBroker). */
  approvalTimeoutMs?: number;
  /** How long a question card waits for the person, ms. Default 10 minutes (questionBroker). */
  questionTimeoutMs?: number;
  /** The admin's spending controls, asked before a query starts. Default: none. */
  gate?: QueryGate | undefined;
  /** Cluster mode: where resumable conversations are kept, and this node's name. Default: none (memory only). */
  conversations?: { store: ConversationStore; node: string | (() => string) } | undefined;
}

/** What the peer's connection told about itself, for the admin view and resume. */
export interface ConnectionInfo {
  /** Protocol extensions in force (labels only: the gateway owns their meaning). */
  extensions: readonly string[];
  /** True when the peer can resume after a disconnect: the session then waits for it. */
  resumable: boolean;
  client?: string;
}

/** What a session knows of its connection before the peer says anything: shared, never changed. */
const noConnectionInfo: ConnectionInfo = Object.freeze({ extensions: Object.freeze([]) as readonly string[], resumable: false });

/**
 * One connected teammate (or the desk user): identity, lifecycle and state, with its credentials
 * ({@link CredentialVault}), queries ({@link QueryRunner}), approvals ({@link ApprovalBroker}),
 * transcript and stats in their own parts. Protocol-free: it reports {@link SessionEvent}s to its
 * listeners, and the gateway's presenter turns them into wire messages.
 */
export class Session implements GatedSession {
  readonly id: string;
  readonly connectedAt: number;
  lastActiveAt: number;
  /** Set once the idle warning for the current idle stretch was sent. */
  idleWarned = false;
  /** Set while no connection is attached and the session waits for a resume. */
  detachedAt: number | undefined;
  lastToolUseAt = 0;

  #state: SessionState = 'connecting';
  #identity: Identity | undefined;
  #conversation: EngineConversation | undefined;
  #tools: Promise<ToolHost> | undefined;
  #attached = false;
  #ended = false;
  #connection: ConnectionInfo = noConnectionInfo;
  /** An array, not a Set: a session has two or three listeners, and a Set's table costs ~150 bytes more per session. */
  #listeners: SessionListener[] = [];
  readonly #vault: CredentialVault;
  readonly #transcript: Transcript;
  readonly #stats = new StatsCollector();
  readonly #scrub: SessionScrubber;
  // Built at the first question (see #runner): an idle session holds none of them, nor their closures (bench §2, docs/performance.md).
  #approvals: ApprovalBroker | undefined;
  #questions: QuestionBroker | undefined;
  #queries: QueryRunner | undefined;
  readonly #recorder: ConversationRecorder | undefined;

  constructor(
    /** `web`, `ws`, or `local` (the desk user's pane; set by the gateway at a local sign-in). */
    public kind: ClientKind,
    readonly address: string,
    private readonly deps: SessionDeps,
    /** The session's id: a new one, or the id of a session restored from the cluster's store. */
    id: string = randomUUID(),
  ) {
    this.id = id;
    this.connectedAt = deps.clock.now();
    this.lastActiveAt = this.connectedAt;
    // Everything this session sends is scrubbed by its own scrubber: its own secrets and the server-wide ones, never another session's.
    const scrub = new SessionScrubber(deps.secrets);
    this.#scrub = scrub;
    this.#vault = new CredentialVault(scrub);
    this.#transcript = new Transcript(deps.clock);
    const kept = deps.conversations;
    if (kept) {
      this.#recorder = new ConversationRecorder(
        {
          id,
          kind: () => this.kind,
          connectedAt: this.connectedAt,
          identity: () => this.#identity,
          client: () => this.#connection.client,
          history: () => this.#conversation?.history?.(),
          transcript: this.#transcript,
        },
        {
          store: kept.store,
          node: kept.node,
          ttlMs: () => deps.idleTimeoutMs,
          now: () => deps.clock.now(),
          logger: deps.logger,
          // A key pasted into a question stays out of the store (the history keeps what the model was sent).
          scrub: (text) => scrub.text(text),
        },
      );
    }
  }

  /** The query runner and the approval and question brokers, built on first use. */
  #runner(): QueryRunner {
    if (this.#queries) return this.#queries;
    const deps = this.deps;
    let stateBeforeAsking: SessionState = 'thinking';
    const approvals = new ApprovalBroker({
      ...(deps.approvalTimeoutMs !== undefined ? { timeoutMs: deps.approvalTimeoutMs } : {}),
      asked: (approval) => {
        stateBeforeAsking = this.#state === 'awaiting_approval' ? 'thinking' : this.#state;
        this.#setState('awaiting_approval');
        this.#emit({ type: 'approval_requested', approval });
      },
      resolved: (approval, answer, reason) => {
        queries.noteApproval(approval, answer, reason);
        this.#emit({ type: 'approval_resolved', approval, answer, reason });
        if (!this.#ended && queries.current) this.#setState(stateBeforeAsking);
        this.touch();
      },
    });
    const questions = new QuestionBroker({
      ...(deps.questionTimeoutMs !== undefined ? { timeoutMs: deps.questionTimeoutMs } : {}),
      asked: (question) => this.#emit({ type: 'question_requested', question }),
      resolved: (question, reason) => {
        this.#emit({ type: 'question_resolved', question, reason });
        this.touch();
      },
    });
    const queries = new QueryRunner({
      sessionId: this.id,
      clock: deps.clock,
      scrub: this.#scrub,
      adminSecrets: deps.secrets,
      logger: deps.logger,
      transcript: this.#transcript,
      stats: this.#stats,
      approvals,
      questions,
      // Only a client that negotiated the `questions` extension shows question cards (the gateway owns the label's meaning).
      canAskQuestions: () => this.#connection.extensions.includes('questions'),
      isEnded: () => this.#ended,
      emit: (event) => this.#emit(event),
      tools: () => this.tools(),
      setState: (state, always) => this.#setState(state, always),
      touch: () => this.touch(),
      toolUsed: () => {
        this.lastToolUseAt = deps.clock.now();
      },
    });
    this.#approvals = approvals;
    this.#questions = questions;
    this.#queries = queries;
    return queries;
  }

  /** Listens to this session's events until the returned function is called. */
  on(listener: SessionListener): () => void {
    if (!this.#listeners.includes(listener)) this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((entry) => entry !== listener);
    };
  }

  get state(): SessionState {
    return this.#state;
  }
  get identity(): Identity | undefined {
    return this.#identity;
  }
  get authenticated(): boolean {
    return this.#identity !== undefined && !this.#ended;
  }
  get ended(): boolean {
    return this.#ended;
  }
  get running(): boolean {
    return this.#queries?.current !== undefined;
  }
  /** The query running now, if any. */
  get runningQueryId(): string | undefined {
    return this.#queries?.current?.queryId;
  }
  /** The approval question waiting for the user, if any. */
  get pendingApproval(): PendingApproval | undefined {
    return this.#approvals?.pending;
  }
  /** The question card waiting for the person, if any. */
  get pendingQuestion(): PendingQuestion | undefined {
    return this.#questions?.pending;
  }
  /** True while a tool host is built (or being built) for this session. */
  get hasTools(): boolean {
    return this.#tools !== undefined;
  }
  get attached(): boolean {
    return this.#attached;
  }
  get transcript(): readonly TranscriptEntry[] {
    return this.#transcript.entries;
  }
  get connection(): ConnectionInfo {
    return this.#connection;
  }
  /** True while credentials are held (for tests and the admin: never exposes them). */
  get holdsCredentials(): boolean {
    return this.#vault.holdsCredentials;
  }

  /** Marks activity: postpones idle expiry and re-arms the idle warning. */
  touch(): void {
    this.lastActiveAt = this.deps.clock.now();
    this.idleWarned = false;
    this.#recorder?.touched();
  }

  /** Records what the connection said about itself (extensions, client name, whether it can resume). */
  describeConnection(info: ConnectionInfo): void {
    this.#connection = { ...info, extensions: [...info.extensions] };
  }

  /** A connection carries this session now. */
  attach(): void {
    this.#attached = true;
    this.detachedAt = undefined;
  }

  /**
   * The connection went away. A signed-in, resumable session waits for a resume (the registry
   * ends it after the grace period); any other session ends now.
   */
  detach(): void {
    if (this.#ended || !this.#attached) return;
    this.#attached = false;
    if (this.authenticated && this.#connection.resumable) {
      this.detachedAt = this.deps.clock.now();
      this.#emit({ type: 'changed' });
    } else {
      this.end('disconnected');
    }
  }

  /** Signs the session in: keeps the credentials in the vault and opens the conversation. */
  signIn(identity: Identity, credentials: Credentials): void {
    this.#identity = identity;
    this.#vault.hold(credentials);
    // Opened at the first question (an idle session holds no conversation), except in cluster mode, whose store records it from sign-in.
    this.#conversation = this.#recorder ? this.deps.engine.open(identity) : undefined;
    this.#state = 'idle';
    this.touch();
    this.#emit({ type: 'changed' });
  }

  /** A fresh resume token (the previous one stops working). Registered as a secret. */
  issueResumeToken(): string {
    const token = this.#vault.issueResumeToken();
    // Cluster mode: from now on the conversation is kept in the store (only the token's hash goes there).
    this.#recorder?.tokenIssued(token);
    return token;
  }

  /**
   * Puts back a conversation kept in the cluster's store (its node died), after the caller checked
   * the resume token and that `identity` is the same user and org: signs in with `credentials`, then
   * restores the model history and the transcript. The next resume token replaces the old one.
   */
  restoreFrom(kept: RestoredConversation, identity: Identity, credentials: Credentials): void {
    this.signIn(identity, credentials);
    this.#transcript.restore(kept.transcript);
    const restoredHistory = this.#conversation?.restore?.(kept.history) === true;
    if (!restoredHistory && kept.history.length > 0)
      this.deps.logger.warn({ session: this.id }, 'a kept history was unusable: the session continues without it');
    // The next resume token (issued with `resumed`) rewrites the store from this node's copy, as its owner.
    this.#recorder?.restored();
  }

  /** Resolves when the cluster store has every write of this session so far (tests, shutdown). */
  storeFlushed(): Promise<void> {
    return this.#recorder?.flushed() ?? Promise.resolve();
  }

  /** Constant-time check of a presented resume token. */
  checkResumeToken(token: string): boolean {
    return !this.#ended && this.#vault.checkResumeToken(token);
  }

  /** A new connection took this session over (`resume`). */
  resumed(): void {
    this.attach();
    this.touch();
    this.#emit({ type: 'changed' });
  }

  /** This session's tool host: built on first need, kept until {@link releaseTools}. */
  tools(): Promise<ToolHost> {
    const credentials = this.#vault.credentials;
    if (!credentials) return Promise.reject(new Error('The session is not signed in.'));
    this.lastToolUseAt = this.deps.clock.now();
    if (!this.#tools) {
      const building = this.deps.toolHostFactory(credentials);
      this.#tools = building;
      building.catch(() => {
        if (this.#tools === building) this.#tools = undefined;
      });
    }
    return this.#tools;
  }

  /** Lets the tool host go (idle, or the session ends). It is rebuilt on the next need. */
  async releaseTools(): Promise<void> {
    const tools = this.#tools;
    this.#tools = undefined;
    if (!tools) return;
    try {
      await (await tools).close();
    } catch (error) {
      this.deps.logger.debug({ err: error, session: this.id }, 'closing a tool host failed');
    }
  }

  /** Asks the assistant. A second question while one runs is refused with `BUSY` (not queued). */
  async ask(content: string, queryId: string = randomUUID()): Promise<void> {
    this.touch();
    const identity = this.#identity;
    if (!identity || this.#ended) return;
    const conversation = (this.#conversation ??= this.deps.engine.open(identity));
    if (this.running) {
      return this.reportError(
        'BUSY',
        'Still working on your previous question. Wait for its answer, or cancel it, then ask again. This question was not queued.',
        queryId,
      );
    }
    const gate = this.deps.gate;
    if (gate) {
      // Asked before anything reaches the engine; the session may have ended or started another query meanwhile.
      const refusal = await gate.admit(this, content);
      if (refusal) return this.reportError(refusal.code, refusal.message, queryId);
      if (this.#ended) return;
      if (this.running) return this.reportError('BUSY', 'Still working on your previous question. This question was not queued.', queryId);
    }
    await this.#runner().run(conversation, identity, content, queryId);
    // After the answer, error or cancel is in the transcript: one cheap append to the cluster store.
    if (!this.#ended) this.#recorder?.turnFinished();
  }

  /** Tells the peer something (an `info` on the wire), e.g. the spend gate's budget warning. */
  notify(notice: { code: string; message: string }): void {
    this.#emit({ type: 'notice', ...notice });
  }

  /** Forgets the conversation (and the tools allowed for the rest of the session); refused with `BUSY` while a query runs. */
  clearHistory(queryId?: string): void {
    this.touch();
    if (this.running)
      return this.reportError('BUSY', 'A query is still running: wait for its answer (or cancel it) before clearing the history.', queryId);
    this.#conversation?.clear();
    this.#transcript.clear();
    this.#queries?.forgetAllowed();
    this.#recorder?.cleared();
    this.#emit({ type: 'history_cleared' });
  }

  /** Answers the waiting approval question; `NO_PENDING_APPROVAL` when `requestId` is not the one waiting. */
  answerApproval(requestId: string, answer: ApprovalAnswer): void {
    this.touch();
    if (this.#approvals?.answer(requestId, answer)) return;
    this.reportError(
      'NO_PENDING_APPROVAL',
      'There is no approval question with that request_id waiting (it may have been answered or cancelled).',
    );
  }

  /** Answers the waiting question card; `NO_PENDING_QUESTION` when `requestId` is not the one waiting. */
  answerQuestion(requestId: string, answer: UserAnswer): void {
    this.touch();
    if (this.#questions?.answer(requestId, answer)) return;
    this.reportError('NO_PENDING_QUESTION', 'There is no question with that request_id waiting (it may have been answered or withdrawn).');
  }

  /** Cancels the running query (a waiting approval counts as a no); `NOTHING_TO_CANCEL` when none (or not that one) runs. */
  cancel(queryId?: string): void {
    this.touch();
    if (this.#queries?.abort('cancelled by the user', queryId)) return;
    this.reportError('NOTHING_TO_CANCEL', 'No query is running, so there is nothing to cancel.', queryId);
  }

  /** Counts an error and reports it to the peer (`code` is a wire error code). */
  reportError(code: string, message: string, queryId?: string): void {
    this.#stats.errorCounted();
    this.#emit({ type: 'error', code, message, ...(queryId ? { queryId } : {}) });
  }

  /** Tells the peer the session will close at `expiresAt` unless something happens. */
  warnIdle(expiresAt: number): void {
    this.idleWarned = true;
    const secondsLeft = Math.max(0, Math.round((expiresAt - this.deps.clock.now()) / 1000));
    this.#emit({ type: 'idle_warning', expiresAt, secondsLeft });
  }

  /**
   * Ends the session: stops the query, withdraws the approval question, tells listeners why
   * (the presenter closes the connection), wipes the credentials and the resume token and
   * releases the tool host. Safe to call twice.
   */
  end(reason: SessionEndReason, detail?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#queries?.abort(`session ended: ${reason}`);
    this.#approvals?.cancel();
    this.#questions?.cancel();
    this.#attached = false;
    // A node shutting down leaves its conversations in the cluster store so its teammates can resume elsewhere.
    if (reason !== 'shutdown') this.#recorder?.ended();
    this.wipe();
    this.#emit({ type: 'ended', reason, ...(detail !== undefined ? { detail } : {}) });
    this.#listeners = [];
  }

  /** Forgets the credentials, the resume token, the conversation and the tool host. */
  wipe(): void {
    this.#vault.wipe();
    this.#conversation?.clear();
    this.#conversation = undefined;
    void this.releaseTools();
  }

  /** The admin view's view of this session: no credentials, no conversation text. */
  snapshot(): SessionSnapshot {
    const identity = this.#identity;
    return {
      id: this.id,
      kind: this.kind,
      state: this.#state,
      authenticated: this.authenticated,
      ...(identity ? { user: { ...identity.user }, org: { ...identity.org } } : {}),
      address: this.address,
      connectedAt: this.connectedAt,
      lastActiveAt: this.lastActiveAt,
      expiresAt: this.lastActiveAt + this.deps.idleTimeoutMs,
      ...this.#stats.snapshot(),
      detached: this.detachedAt !== undefined,
      extensions: [...this.#connection.extensions],
      ...(this.#connection.client ? { client: this.#connection.client } : {}),
      ...(this.#approvals?.pending ? { awaitingApprovalFor: this.#approvals.pending.title ?? this.#approvals.pending.tool } : {}),
    };
  }

  /** Moves to `state` and reports it once; without `always`, only when the state changed. */
  #setState(state: SessionState, always = false): void {
    if (this.#state === state && !always) return;
    this.#state = state;
    this.#emit({ type: 'changed' });
  }

  #emit(event: SessionEvent): void {
    // The array is replaced, never changed in place, so a listener that unsubscribes does not disturb this loop.
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logger.warn({ err: error, session: this.id, event: event.type }, 'a session listener failed');
      }
    }
  }
}
