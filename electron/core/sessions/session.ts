import { randomBytes, randomUUID } from 'node:crypto';

import { approvalAnswers, closeCodes, mayReceive, queryCommands } from '../../../shared/protocol';
import type { ErrorCode, Extension, ServerMessage, TranscriptEntry, TranscriptTool } from '../../../shared/protocol';
import type { AuditApproval } from '../../../shared/types/audit';
import {
  emptyUsage,
  type ClientKind,
  type SessionSnapshot,
  type SessionState,
  type SessionStats,
  type ToolCallRecord,
  type Usage,
} from '../../../shared/types/session';
import type { Logger } from '../log/logger';
import { redact, type SecretRegistry } from '../log/redact';
import { SessionScrubber } from '../log/sessionScrubber';
import type { ToolHost } from '../mcp/toolHost';
import { tokensMatch } from '../net/tokensMatch';

import type { Clock } from './clock';
import type { ApprovalAnswer, ApprovalAsk, Credentials, EngineConversation, Identity, QueryEngine, QueryEvent, ToolHostFactory } from './engine';
import type { QueryGate } from './queryGate';

/** Where a session's messages go: one WebSocket (or any transport). */
export interface SessionChannel {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** Why a session ended. */
export type SessionEndReason = 'quit' | 'kicked' | 'idle_expired' | 'shutdown' | 'stopped' | 'disconnected' | 'resume_expired';

/** What a session reports to its registry. */
export interface SessionHooks {
  changed(session: Session): void;
  ended(session: Session, reason: SessionEndReason): void;
  queryDone(session: Session, latencyMs: number): void;
  /** A tool call ended; `call` says what it was and how it was cleared (the audit trail's record). */
  toolCall(session: Session, tool: string, ok: boolean, call?: FinishedToolCall): void;
  error(session: Session, code: string): void;
  usage(session: Session, usage: Usage): void;
}

/** A finished tool call as the audit trail records it: arguments already redacted for display. */
export interface FinishedToolCall {
  callId: string;
  title?: string;
  args: Record<string, unknown>;
  approval: AuditApproval;
  status: 'ok' | 'error' | 'denied' | 'cancelled';
  durationMs: number;
  summary?: string;
}

/** What every session shares: time, secrets, logging, the assistant, the tool factory, limits. */
export interface SessionDeps {
  clock: Clock;
  secrets: SecretRegistry;
  logger: Logger;
  engine: QueryEngine;
  toolHostFactory: ToolHostFactory;
  hooks: SessionHooks;
  /** Idle time before expiry, ms. */
  idleTimeoutMs: number;
  /** How long an approval question waits for an answer before it counts as a no, ms. Default 10 minutes. */
  approvalTimeoutMs?: number;
  /** The admin's spending controls, asked before a query starts. Default: none. */
  gate?: QueryGate | undefined;
}

interface RunningQuery {
  queryId: string;
  controller: AbortController;
  startedAt: number;
  /** This answer's tool calls, for the transcript; each was shown with one `tool_call` (awaiting approval, or started). */
  tools: TranscriptTool[];
  /** Streamed text held back because it may be the start of a credential (sent once it cannot be). */
  heldText: string;
  /** Calls already counted as started (stats, admin list). */
  started: Set<string>;
}

interface PendingApproval {
  requestId: string;
  queryId: string;
  ask: ApprovalAsk;
  /** `message`: an `approval_request` was sent; `text`: an `info` asked for a yes/no query. */
  mode: 'message' | 'text';
  settle(answer: ApprovalAnswer, reason: 'answered' | 'cancelled' | 'timeout'): void;
}

const transcriptLimit = 200;
const recentToolCallLimit = 20;

/** Shortens argument values for display and redacts secrets (never the full payload). */
export function displayArgs(args: Record<string, unknown>, secrets: SecretRegistry): Record<string, unknown> {
  const shorten = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return value.length > 160 ? `${value.slice(0, 157)}…` : value;
    if (Array.isArray(value)) return depth > 2 ? `[${value.length} items]` : value.slice(0, 10).map((item) => shorten(item, depth + 1));
    if (value && typeof value === 'object') {
      if (depth > 2) return '{…}';
      return Object.fromEntries(
        Object.entries(value)
          .slice(0, 20)
          .map(([key, item]) => [key, shorten(item, depth + 1)]),
      );
    }
    return value;
  };
  return shorten(redact(args, secrets), 0) as Record<string, unknown>;
}

/** Adds `usage` to the running `total` (a session's, or a user's in the gateway stats). */
export function addUsage(total: Usage, usage: Usage): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.cacheReadTokens += usage.cacheReadTokens;
  total.cacheWriteTokens += usage.cacheWriteTokens;
}

/** How to answer a plain-text approval question (old clients). */
function replyHint(ask: Pick<ApprovalAsk, 'tool' | 'allowAlways'>): string {
  return ask.allowAlways
    ? `Reply "yes" to allow it, "always" to allow ${ask.tool} for the rest of this session, or "no" to refuse.`
    : 'Reply "yes" to allow it or "no" to refuse.';
}

function describeArgs(args: Record<string, unknown>): string {
  const parts = Object.entries(args)
    .slice(0, 6)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * One connected teammate (or the desk user): credentials in memory, the conversation, the
 * running query and its approvals, the lazily built tool host, stats and the visible transcript.
 * Transport-agnostic: the gateway attaches a {@link SessionChannel}; every message goes through
 * the extension gate so a client receives only the types it negotiated.
 */
export class Session {
  readonly id = randomUUID();
  readonly connectedAt: number;
  lastActiveAt: number;
  /** Set once the idle warning for the current idle stretch was sent. */
  idleWarned = false;
  /** Set while the channel is gone and the session waits for a resume. */
  detachedAt: number | undefined;
  /** Extensions in force (negotiated at `auth`, `hello` or `resume`). */
  readonly extensions = new Set<Extension>();
  saidHello = false;
  client: string | undefined;
  lastToolUseAt = 0;

  #state: SessionState = 'connecting';
  #identity: Identity | undefined;
  #credentials: Credentials | undefined;
  #conversation: EngineConversation | undefined;
  #tools: Promise<ToolHost> | undefined;
  #running: RunningQuery | undefined;
  #approval: PendingApproval | undefined;
  #channel: SessionChannel | undefined;
  #resumeToken: string | undefined;
  #ended = false;
  #stats: SessionStats = { queries: 0, toolCalls: 0, errors: 0, usage: emptyUsage() };
  readonly #recentToolCalls: ToolCallRecord[] = [];
  /** For the audit trail: each open call's shown arguments and how it was cleared, by call id. */
  readonly #callAudit = new Map<string, { args: Record<string, unknown>; title?: string; approval?: AuditApproval }>();
  /** Tools the user allowed for the rest of the conversation ("always"): later calls ran under that. */
  readonly #alwaysAllowed = new Set<string>();
  readonly #transcript: TranscriptEntry[] = [];
  /** Everything this session sends is scrubbed here: its own secrets and the server-wide ones, never another session's. */
  readonly #scrub: SessionScrubber;

  constructor(
    /** `web`, `ws`, or `local` (the desk user's pane; set by the gateway at a local sign-in). */
    public kind: ClientKind,
    readonly address: string,
    private readonly deps: SessionDeps,
  ) {
    this.connectedAt = deps.clock.now();
    this.lastActiveAt = this.connectedAt;
    this.#scrub = new SessionScrubber(deps.secrets);
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
    return this.#running !== undefined;
  }
  /** True while a tool host is built (or being built) for this session. */
  get hasTools(): boolean {
    return this.#tools !== undefined;
  }
  get attached(): boolean {
    return this.#channel !== undefined;
  }
  get transcript(): readonly TranscriptEntry[] {
    return this.#transcript;
  }

  /** Marks activity: postpones idle expiry and re-arms the idle warning. */
  touch(): void {
    this.lastActiveAt = this.deps.clock.now();
    this.idleWarned = false;
  }

  /** Sends `message` when the peer negotiated its type and a channel is attached; drops it otherwise. */
  send(message: ServerMessage): void {
    if (!this.#channel || !mayReceive(message.type, this.extensions, this.saidHello)) return;
    this.#channel.send(message);
  }

  /** Sends an `error` and counts it. */
  sendError(code: ErrorCode, message: string, queryId?: string): void {
    this.#stats.errors += 1;
    this.deps.hooks.error(this, code);
    this.send({ type: 'error', code, message, ...(queryId ? { query_id: queryId } : {}) });
  }

  attach(channel: SessionChannel): void {
    this.#channel = channel;
    this.detachedAt = undefined;
  }

  /**
   * The peer went away. A signed-in session that negotiated `resume` waits for it (the
   * registry ends it after the grace period); any other session ends now. With `channel`,
   * only when that channel is still the attached one.
   */
  detach(channel?: SessionChannel): void {
    if (this.#ended) return;
    // A connection replaced by a resume closes later: it must not detach its successor.
    if (channel !== undefined && channel !== this.#channel) return;
    this.#channel = undefined;
    if (this.authenticated && this.extensions.has('resume')) {
      this.detachedAt = this.deps.clock.now();
      this.deps.hooks.changed(this);
    } else {
      this.end('disconnected');
    }
  }

  /** Adds extensions (union with those already in force). */
  negotiate(extensions: readonly Extension[] | undefined): void {
    for (const extension of extensions ?? []) this.extensions.add(extension);
  }

  /** Signs the session in: keeps the credentials in memory (registered as secrets) and opens the conversation. */
  signIn(identity: Identity, credentials: Credentials): void {
    this.#identity = identity;
    this.#credentials = { ...credentials };
    this.#scrub.own(credentials.apiKey);
    this.#conversation = this.deps.engine.open(identity);
    this.#state = 'idle';
    this.touch();
    this.deps.hooks.changed(this);
  }

  /** A fresh resume token (the previous one stops working). Registered as a secret. */
  issueResumeToken(): string {
    if (this.#resumeToken) this.#scrub.disown(this.#resumeToken);
    this.#resumeToken = randomBytes(24).toString('base64url');
    this.#scrub.own(this.#resumeToken);
    return this.#resumeToken;
  }

  /** Constant-time check of a presented resume token. */
  checkResumeToken(token: string): boolean {
    if (!this.#resumeToken || this.#ended) return false;
    return tokensMatch(token, this.#resumeToken);
  }

  /**
   * Moves the session onto a new channel after a `resume`: the old channel (if any) is closed
   * as replaced, the transcript is replayed, and a pending approval is asked again.
   */
  resumeOn(channel: SessionChannel, extensions: readonly Extension[] | undefined): void {
    const previous = this.#channel;
    this.#channel = undefined;
    previous?.close(closeCodes.replaced, 'resumed on another connection');
    this.attach(channel);
    this.negotiate(extensions);
    this.extensions.add('resume');
    this.touch();
    const identity = this.#identity!;
    this.send({
      type: 'resumed',
      session_id: this.id,
      message: `Welcome back, ${identity.user.name}.`,
      user: identity.user,
      org: identity.org,
      extensions: [...this.extensions],
      resume_token: this.issueResumeToken(),
      transcript: [...this.#transcript],
      ...(this.#running ? { running_query_id: this.#running.queryId } : {}),
    });
    if (this.#approval) this.#askApproval(this.#approval);
    this.deps.hooks.changed(this);
  }

  #record(entry: Omit<TranscriptEntry, 'at'>): void {
    this.#transcript.push({ ...entry, at: this.deps.clock.now() });
    if (this.#transcript.length > transcriptLimit) this.#transcript.splice(0, this.#transcript.length - transcriptLimit);
  }

  /** This session's tool host: built on first need, kept until {@link releaseTools}. */
  tools(): Promise<ToolHost> {
    if (!this.#credentials) return Promise.reject(new Error('The session is not signed in.'));
    this.lastToolUseAt = this.deps.clock.now();
    if (!this.#tools) {
      const building = this.deps.toolHostFactory(this.#credentials);
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

  /**
   * Handles a `query`: the `clear` and `quit` commands, a yes/no answer to a plain-text
   * approval question, or a question for the assistant. A second question while one runs is
   * refused with `BUSY` (not queued).
   */
  async query(content: string, queryId: string = randomUUID()): Promise<void> {
    this.touch();
    const command = content.trim().toLowerCase();
    if (command === queryCommands.quit) return this.end('quit');
    if (this.#approval?.mode === 'text') {
      if ((approvalAnswers.yes as readonly string[]).includes(command)) return this.#approval.settle('allow', 'answered');
      if ((approvalAnswers.always as readonly string[]).includes(command))
        return this.#approval.settle(this.#approval.ask.allowAlways ? 'always' : 'allow', 'answered');
      if ((approvalAnswers.no as readonly string[]).includes(command)) return this.#approval.settle('deny', 'answered');
      return this.sendError('APPROVAL_PENDING', `Waiting for your answer about ${this.#approval.ask.tool}: ${replyHint(this.#approval.ask)}`, queryId);
    }
    if (command === queryCommands.clear) {
      if (this.#running)
        return this.sendError('BUSY', 'A query is still running: wait for its answer (or cancel it) before clearing the history.', queryId);
      this.#conversation?.clear();
      this.#transcript.length = 0;
      this.#alwaysAllowed.clear();
      // `clear` also forgets the tools allowed "for the rest of the session" (docs/protocol.md).
      this.send({ type: 'info', code: 'history_cleared', message: 'Conversation history cleared.' });
      return;
    }
    if (this.#running) {
      return this.sendError(
        'BUSY',
        'Still working on your previous question. Wait for its answer, or cancel it, then ask again. This question was not queued.',
        queryId,
      );
    }
    const refusal = await this.deps.gate?.admit(this, content);
    if (refusal) return this.sendError(refusal.code, refusal.message, queryId);
    if (this.#ended) return;
    if (this.#running) return this.sendError('BUSY', 'Still working on your previous question. This question was not queued.', queryId);
    await this.#run(content, queryId);
  }

  async #run(content: string, queryId: string): Promise<void> {
    const conversation = this.#conversation;
    const identity = this.#identity;
    if (!conversation || !identity) return;
    const controller = new AbortController();
    const running: RunningQuery = {
      queryId,
      controller,
      startedAt: this.deps.clock.now(),
      tools: [],
      heldText: '',
      started: new Set(),
    };
    this.#running = running;
    this.#stats.queries += 1;
    this.#record({ role: 'user', content: this.#scrub.text(content), query_id: queryId });
    this.#setState('thinking');
    this.send({ type: 'processing', message: 'Processing your query...', query_id: queryId });
    const finish = (): void => {
      if (this.#running === running) this.#running = undefined;
      this.#approval?.settle('deny', 'cancelled');
      if (!this.#ended) this.#setState('idle');
      this.touch();
      const latency = this.deps.clock.now() - running.startedAt;
      this.#stats.lastLatencyMs = latency;
      this.deps.hooks.queryDone(this, latency);
    };
    try {
      const outcome = await conversation.run({
        query: content,
        queryId,
        signal: controller.signal,
        identity,
        tools: () => this.tools(),
        emit: (event) => {
          if (this.#running === running && !controller.signal.aborted) this.#onEvent(running, event);
        },
        requestApproval: (ask) => this.#requestApproval(queryId, ask, controller.signal),
      });
      finish();
      if (controller.signal.aborted) return this.#sendCancelled(queryId);
      this.#flushHeld(running);
      // Scrubbed of this session's own credentials and the server-wide secrets only (SessionScrubber).
      const text = this.#scrub.text(outcome.text);
      this.#record({
        role: 'assistant',
        content: text,
        query_id: queryId,
        ...(running.tools.length ? { tools: running.tools } : {}),
      });
      this.send({ type: 'response', content: text, query_id: queryId });
    } catch (error) {
      finish();
      if (controller.signal.aborted) return this.#sendCancelled(queryId);
      this.#flushHeld(running);
      const message = this.#scrub.message(error instanceof Error ? error.message : String(error));
      const code: ErrorCode = (error as { name?: string }).name?.startsWith('Tallyfy') ? 'TALLYFY_ERROR' : 'AGENT_FAILED';
      this.deps.logger.warn({ err: error, session: this.id }, 'query failed');
      this.#record({ role: 'error', content: message, query_id: queryId });
      this.sendError(code, message || 'The assistant failed. Try again.', queryId);
    }
  }

  #sendCancelled(queryId: string): void {
    if (this.#ended) return;
    this.#record({ role: 'info', content: 'Query cancelled.', query_id: queryId });
    if (this.extensions.has('cancel')) this.send({ type: 'cancelled', query_id: queryId, message: 'Query cancelled.' });
    else this.send({ type: 'info', code: 'cancelled', message: 'Query cancelled.' });
  }

  /** Moves to `state` and tells the registry once; without `always`, only when the state changed. */
  #setState(state: SessionState, always = false): void {
    if (this.#state === state && !always) return;
    this.#state = state;
    this.deps.hooks.changed(this);
  }

  /** Sends the streamed text still held back (before a tool event, an approval question, the answer or an error). */
  #flushHeld(running: RunningQuery): void {
    const held = running.heldText;
    running.heldText = '';
    const text = held ? this.#scrub.flush(held) : '';
    if (text) this.send({ type: 'delta', query_id: running.queryId, text });
  }

  #onEvent(running: RunningQuery, event: QueryEvent): void {
    const { queryId } = running;
    // A stretch of text ends at any other event: what was held back goes first (a decision that depends on no secret).
    if (event.kind !== 'delta' && event.kind !== 'usage') this.#flushHeld(running);
    switch (event.kind) {
      case 'delta': {
        // A credential split across deltas must not slip through: see SessionScrubber.stream.
        const { ready, held } = this.#scrub.stream(running.heldText + event.text);
        running.heldText = held;
        if (ready) this.send({ type: 'delta', query_id: queryId, text: ready });
        return;
      }
      case 'tool_pending':
        // The chip shows up while the approval question is open; the call is counted when it starts (or is refused).
        // The audit trail is the admin's: scrubbed with every secret, like the admin's list.
        this.#auditArgs(event, displayArgs(event.args, this.deps.secrets));
        this.#announce(running, event, displayArgs(event.args, this.#scrub.registry), 'awaiting_approval');
        return;
      case 'tool_start': {
        if (running.started.has(event.callId)) return;
        running.started.add(event.callId);
        const args = displayArgs(event.args, this.#scrub.registry);
        this.#stats.toolCalls += 1;
        this.lastToolUseAt = this.deps.clock.now();
        // The admin's list is scrubbed with every secret (the shared registry).
        const adminArgs = displayArgs(event.args, this.deps.secrets);
        this.#auditArgs(event, adminArgs);
        this.#recentToolCalls.unshift({ id: event.callId, tool: event.tool, args: adminArgs, status: 'running', startedAt: this.deps.clock.now() });
        if (this.#recentToolCalls.length > recentToolCallLimit) this.#recentToolCalls.length = recentToolCallLimit;
        this.#announce(running, event, args);
        this.#setState('running_tool', true);
        return;
      }
      case 'retrying': {
        const seconds = Math.max(1, Math.ceil(event.delayMs / 1000));
        this.send({
          type: 'info',
          code: 'retrying',
          message: `Claude is busy, retrying in ${seconds} s…`,
          query_id: queryId,
          retry_in_ms: event.delayMs,
        });
        return;
      }
      case 'tool_end': {
        const tool = running.tools.find((item) => item.call_id === event.callId);
        if (tool) Object.assign(tool, { status: event.status, duration_ms: event.durationMs });
        const record = this.#recentToolCalls.find((item) => item.id === event.callId);
        if (record) {
          record.status = event.status;
          record.durationMs = event.durationMs;
        }
        this.lastToolUseAt = this.deps.clock.now();
        const summary = event.summary === undefined ? undefined : this.#scrub.message(event.summary).slice(0, 300);
        const auditSummary = event.summary === undefined ? undefined : this.deps.secrets.scrub(event.summary).slice(0, 300);
        const audit = this.#callAudit.get(event.callId);
        this.#callAudit.delete(event.callId);
        this.deps.hooks.toolCall(this, event.tool, event.status === 'ok', {
          callId: event.callId,
          args: audit?.args ?? {},
          approval: audit?.approval ?? (this.#alwaysAllowed.has(event.tool) ? 'approved_earlier' : 'automatic'),
          status: event.status,
          durationMs: event.durationMs,
          ...(audit?.title ? { title: audit.title } : {}),
          ...(auditSummary !== undefined ? { summary: auditSummary } : {}),
        });
        this.send({
          type: 'tool_result',
          query_id: queryId,
          call_id: event.callId,
          tool: event.tool,
          status: event.status,
          duration_ms: event.durationMs,
          ...(summary !== undefined ? { summary } : {}),
        });
        this.#setState('thinking', true);
        return;
      }
      case 'usage': {
        const usage: Usage = { ...emptyUsage(), ...event.usage };
        addUsage(this.#stats.usage, usage);
        this.deps.hooks.usage(this, usage);
        return;
      }
    }
  }

  /** Keeps a call's shown arguments for its audit record (the first shown wins); returns them. */
  #auditArgs(call: { callId: string; title?: string }, args: Record<string, unknown>): Record<string, unknown> {
    if (!this.#callAudit.has(call.callId)) this.#callAudit.set(call.callId, { args, ...(call.title ? { title: call.title } : {}) });
    return args;
  }

  /** Shows a call with its one `tool_call` and lists it for the transcript; a call already shown (awaiting approval) is left as it is. */
  #announce(
    running: RunningQuery,
    call: { callId: string; tool: string; title?: string },
    args: Record<string, unknown>,
    status?: 'awaiting_approval',
  ): void {
    if (running.tools.some((tool) => tool.call_id === call.callId)) return;
    const title = call.title ? { title: call.title } : {};
    running.tools.push({ call_id: call.callId, tool: call.tool, status: 'running', ...title });
    this.send({ type: 'tool_call', query_id: running.queryId, call_id: call.callId, tool: call.tool, args, ...(status ? { status } : {}), ...title });
  }

  #requestApproval(queryId: string, ask: ApprovalAsk, signal: AbortSignal): Promise<ApprovalAnswer> {
    if (signal.aborted || ask.signal?.aborted || this.#ended) return Promise.resolve('deny');
    if (this.#running) this.#flushHeld(this.#running);
    this.#approval?.settle('deny', 'cancelled');
    return new Promise<ApprovalAnswer>((resolve) => {
      const previousState = this.#state;
      const timeout = setTimeout(() => pending.settle('deny', 'timeout'), this.deps.approvalTimeoutMs ?? 10 * 60_000);
      timeout.unref();
      const onAbort = (): void => pending.settle('deny', 'cancelled');
      const onWithdrawn = (): void => pending.settle('deny', 'timeout');
      signal.addEventListener('abort', onAbort, { once: true });
      ask.signal?.addEventListener('abort', onWithdrawn, { once: true });
      const pending: PendingApproval = {
        requestId: randomUUID(),
        queryId,
        ask: {
          tool: ask.tool,
          destructive: ask.destructive,
          args: displayArgs(ask.args, this.#scrub.registry),
          ...(ask.title ? { title: ask.title } : {}),
          ...(ask.callId ? { callId: ask.callId } : {}),
          ...(ask.allowAlways ? { allowAlways: true } : {}),
        },
        mode: this.extensions.has('approvals') ? 'message' : 'text',
        settle: (given, reason) => {
          if (this.#approval !== pending) return;
          this.#approval = undefined;
          clearTimeout(timeout);
          signal.removeEventListener('abort', onAbort);
          ask.signal?.removeEventListener('abort', onWithdrawn);
          // `always` is only honoured when the engine can remember it; otherwise it is a plain allow.
          const answer: ApprovalAnswer = given === 'always' && !ask.allowAlways ? 'allow' : given;
          const approved = answer !== 'deny';
          const audit = ask.callId ? this.#callAudit.get(ask.callId) : undefined;
          if (audit)
            audit.approval =
              reason !== 'answered' && !approved
                ? reason === 'timeout'
                  ? 'timed_out'
                  : 'cancelled'
                : answer === 'always'
                  ? 'approved_always'
                  : approved
                    ? 'approved'
                    : 'denied';
          if (answer === 'always') this.#alwaysAllowed.add(ask.tool);
          this.send({
            type: 'approval_resolved',
            request_id: pending.requestId,
            approved,
            reason,
            ...(ask.callId ? { call_id: ask.callId } : {}),
            ...(answer === 'always' ? { always: true } : {}),
          });
          if (pending.mode === 'text' && reason === 'answered') {
            this.send({
              type: 'info',
              code: approved ? 'approved' : 'denied',
              message:
                answer === 'always'
                  ? `Approved: running ${ask.tool}, and it will not ask again in this session.`
                  : approved
                    ? `Approved: running ${ask.tool}.`
                    : `Refused: ${ask.tool} will not run.`,
            });
          }
          if (!this.#ended && this.#running) this.#setState(previousState === 'awaiting_approval' ? 'thinking' : previousState);
          this.touch();
          resolve(answer);
        },
      };
      this.#approval = pending;
      this.#setState('awaiting_approval');
      this.#askApproval(pending);
    });
  }

  #askApproval(pending: PendingApproval): void {
    const { ask } = pending;
    const what = `${ask.title ?? ask.tool}${describeArgs(ask.args)}`;
    const question = `The assistant wants to ${ask.destructive ? 'run a destructive action' : 'make a change'}: **${what}**.`;
    if (pending.mode === 'message') {
      this.send({
        type: 'approval_request',
        request_id: pending.requestId,
        query_id: pending.queryId,
        tool: ask.tool,
        args: ask.args,
        destructive: ask.destructive,
        message: `${question} Allow it?`,
        ...(ask.title ? { title: ask.title } : {}),
        ...(ask.callId ? { call_id: ask.callId } : {}),
        ...(ask.allowAlways ? { allow_always: true } : {}),
      });
    } else {
      this.send({ type: 'info', code: 'approval_needed', message: `${question} ${replyHint(ask)}` });
    }
  }

  /**
   * Answers the pending `approval_request` (extension `approvals`). `always` with `approved`
   * also allows the tool for the rest of the session, when the request offered it.
   */
  answerApproval(requestId: string, approved: boolean, always = false): void {
    this.touch();
    if (!this.#approval || this.#approval.requestId !== requestId) {
      return this.sendError(
        'NO_PENDING_APPROVAL',
        'There is no approval question with that request_id waiting (it may have been answered or cancelled).',
      );
    }
    this.#approval.settle(approved ? (always ? 'always' : 'allow') : 'deny', 'answered');
  }

  /** Cancels the running query (any pending approval counts as a no). */
  cancel(queryId?: string): void {
    this.touch();
    const running = this.#running;
    if (!running || (queryId !== undefined && queryId !== running.queryId)) {
      return this.sendError('NOTHING_TO_CANCEL', 'No query is running, so there is nothing to cancel.', queryId);
    }
    this.#approval?.settle('deny', 'cancelled');
    running.controller.abort(new Error('cancelled by the user'));
  }

  /** Tells the peer the session will close soon unless something happens. */
  warnIdle(expiresAt: number): void {
    this.idleWarned = true;
    const secondsLeft = Math.max(0, Math.round((expiresAt - this.deps.clock.now()) / 1000));
    const minutes = Math.max(1, Math.round(secondsLeft / 60));
    const message = `This session will close in about ${minutes} minute${minutes === 1 ? '' : 's'} because it has been idle. Send anything to keep it open.`;
    if (this.extensions.has('idle')) this.send({ type: 'idle_warning', message, expires_at: expiresAt, seconds_left: secondsLeft });
    else this.send({ type: 'info', code: 'idle_warning', message });
  }

  /**
   * Ends the session: stops the query, wipes the credentials and the resume token, releases
   * the tool host, tells the peer why and closes its connection. Safe to call twice.
   */
  end(reason: SessionEndReason, detail?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#running?.controller.abort(new Error(`session ended: ${reason}`));
    this.#approval?.settle('deny', 'cancelled');
    const channel = this.#channel;
    this.#channel = undefined;
    const notice = endNotices[reason](detail, Math.round(this.deps.idleTimeoutMs / 60_000));
    if (channel && notice) {
      if (mayReceive('info', this.extensions, this.saidHello))
        channel.send({ type: 'info', code: reason === 'quit' ? 'goodbye' : reason, message: notice.message });
      channel.close(notice.code, notice.reason);
    }
    this.wipe();
    this.deps.hooks.ended(this, reason);
  }

  /** Forgets the credentials, the resume token, the conversation and the tool host. */
  wipe(): void {
    if (this.#credentials) this.#scrub.disown(this.#credentials.apiKey);
    this.#credentials = undefined;
    if (this.#resumeToken) this.#scrub.disown(this.#resumeToken);
    this.#resumeToken = undefined;
    this.#conversation?.clear();
    this.#conversation = undefined;
    void this.releaseTools();
  }

  /** True while credentials are held (for tests and the admin: never exposes them). */
  get holdsCredentials(): boolean {
    return this.#credentials !== undefined;
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
      stats: { ...this.#stats, usage: { ...this.#stats.usage } },
      recentToolCalls: this.#recentToolCalls.map((call) => ({ ...call })),
      detached: this.detachedAt !== undefined,
      extensions: [...this.extensions],
      ...(this.client ? { client: this.client } : {}),
    };
  }
}

const endNotices: Record<
  SessionEndReason,
  (detail: string | undefined, idleMinutes: number) => { message: string; code: number; reason: string } | undefined
> = {
  quit: () => ({ message: 'Goodbye!', code: closeCodes.normal, reason: 'goodbye' }),
  kicked: (detail) => ({
    message: `The gateway admin ended this session${detail ? `: ${detail}` : ''}. Sign in again if you need to continue.`,
    code: closeCodes.kicked,
    reason: 'kicked',
  }),
  idle_expired: (_detail, minutes) => ({
    message: `Session closed after ${minutes} minute${minutes === 1 ? '' : 's'} without activity. Sign in again to continue.`,
    code: closeCodes.idleExpired,
    reason: 'idle timeout',
  }),
  stopped: (detail) => ({
    message: `The gateway admin stopped the gateway${detail ? `: ${detail}` : ''}. Try again later.`,
    code: closeCodes.goingAway,
    reason: 'gateway stopped',
  }),
  shutdown: (detail) => ({
    message: `The gateway is shutting down${detail ? ` (${detail})` : ''}. Reconnect when it is back.`,
    code: closeCodes.goingAway,
    reason: 'server shutting down',
  }),
  disconnected: () => undefined,
  resume_expired: () => undefined,
};
