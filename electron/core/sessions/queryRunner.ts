import type { AuditApproval } from '../../../shared/types/audit';
import type { SessionState } from '../../../shared/types/session';
import { AgentError } from '../agent/errors';
import type { Logger } from '../log/logger';
import type { SecretRegistry } from '../log/redact';
import type { SessionScrubber } from '../log/sessionScrubber';
import type { ToolHost } from '../mcp/toolHost';
import { TallyfyError } from '../tallyfy/errors';

import type { ApprovalBroker, ApprovalEndReason, PendingApproval } from './approvalBroker';
import type { Clock } from './clock';
import { displayArgs } from './displayArgs';
import type { ApprovalAnswer, EngineConversation, Identity, QuestionAsk, QueryEvent } from './engine';
import type { QuestionBroker } from './questionBroker';
import type { SessionErrorCode, SessionEvent } from './sessionEvents';
import type { StatsCollector } from './statsCollector';
import type { Transcript, TranscriptTool } from './transcript';

/** What a {@link QueryRunner} needs from its session. */
export interface QueryHost {
  readonly sessionId: string;
  readonly clock: Clock;
  /** The session's scrubber: everything the peer sees goes through it. */
  readonly scrub: SessionScrubber;
  /** Every secret (the shared registry), for what the admin sees. */
  readonly adminSecrets: SecretRegistry;
  readonly logger: Logger;
  readonly transcript: Transcript;
  readonly stats: StatsCollector;
  readonly approvals: ApprovalBroker;
  readonly questions: QuestionBroker;
  /** True when the peer can show question cards (else the assistant asks in its reply). */
  canAskQuestions(): boolean;
  isEnded(): boolean;
  emit(event: SessionEvent): void;
  tools(): Promise<ToolHost>;
  /** Moves the session to `state`; with `always`, reports it even when unchanged. */
  setState(state: SessionState, always?: boolean): void;
  touch(): void;
  toolUsed(): void;
}

interface RunningQuery {
  queryId: string;
  controller: AbortController;
  startedAt: number;
  /** This answer's tool calls, for the transcript; each was shown with one `tool_call` event. */
  tools: TranscriptTool[];
  /** Streamed text held back because it may be the start of a credential (sent once it cannot be). */
  heldText: string;
  /** Calls already counted as started. */
  started: Set<string>;
}

/** The wire code and its detail for a failed query: one mapping, by class. */
export function describeFailure(error: unknown): { code: SessionErrorCode; detailCode?: string } {
  if (error instanceof TallyfyError) return { code: 'TALLYFY_ERROR', detailCode: error.code };
  if (error instanceof AgentError) return { code: 'AGENT_FAILED', detailCode: error.code };
  return { code: 'AGENT_FAILED' };
}

/**
 * Runs one session's queries, one at a time: streams the engine's events out as session events
 * (credentials scrubbed, tool calls counted), records the transcript, and ends each query with
 * a `response`, `cancelled` or `error` event.
 */
export class QueryRunner {
  #running: RunningQuery | undefined;
  /** For the audit trail: each open call's arguments (admin-scrubbed) and how it was cleared, by call id. */
  readonly #callAudit = new Map<string, { args: Record<string, unknown>; title?: string; approval?: AuditApproval }>();
  /** Tools the user allowed for the rest of the conversation ("always"): later calls ran under that. */
  readonly #alwaysAllowed = new Set<string>();

  constructor(private readonly host: QueryHost) {}

  /** The query running now. */
  get current(): { queryId: string } | undefined {
    return this.#running ? { queryId: this.#running.queryId } : undefined;
  }

  /** Notes how an approval question ended, for the call's audit record. */
  noteApproval(approval: PendingApproval, answer: ApprovalAnswer, reason: ApprovalEndReason): void {
    const audit = approval.callId ? this.#callAudit.get(approval.callId) : undefined;
    if (audit)
      audit.approval =
        reason !== 'answered' && answer === 'deny'
          ? reason === 'timeout'
            ? 'timed_out'
            : 'cancelled'
          : answer === 'always'
            ? 'approved_always'
            : answer === 'allow'
              ? 'approved'
              : 'denied';
    if (answer === 'always') this.#alwaysAllowed.add(approval.tool);
  }

  /** `clear` forgets the tools allowed for the rest of the session. */
  forgetAllowed(): void {
    this.#alwaysAllowed.clear();
  }

  /** Keeps a call's admin-scrubbed arguments for its audit record (the first shown wins). */
  #auditArgs(call: { callId: string; tool: string; title?: string; args: Record<string, unknown> }): Record<string, unknown> {
    const known = this.#callAudit.get(call.callId);
    if (known) return known.args;
    const args = displayArgs(call.args, this.host.adminSecrets);
    this.#callAudit.set(call.callId, { args, ...(call.title ? { title: call.title } : {}) });
    return args;
  }

  /** Stops the running query (its promise settles as cancelled). False when none runs or `queryId` is another one. */
  abort(reason: string, queryId?: string): boolean {
    const running = this.#running;
    if (!running || (queryId !== undefined && queryId !== running.queryId)) return false;
    this.host.approvals.cancel();
    this.host.questions.cancel();
    running.controller.abort(new Error(reason));
    return true;
  }

  async run(conversation: EngineConversation, identity: Identity, content: string, queryId: string): Promise<void> {
    const { host } = this;
    const controller = new AbortController();
    const running: RunningQuery = { queryId, controller, startedAt: host.clock.now(), tools: [], heldText: '', started: new Set() };
    this.#running = running;
    host.stats.queryStarted();
    host.transcript.add({ role: 'user', content: host.scrub.text(content), queryId });
    host.setState('thinking');
    host.emit({ type: 'processing', queryId });
    const finish = (): void => {
      if (this.#running === running) this.#running = undefined;
      host.approvals.cancel();
      host.questions.cancel();
      if (!host.isEnded()) host.setState('idle');
      host.touch();
      const latencyMs = host.clock.now() - running.startedAt;
      host.stats.queryFinished(latencyMs);
      host.emit({ type: 'query_done', queryId, latencyMs });
    };
    try {
      const outcome = await conversation.run({
        query: content,
        queryId,
        signal: controller.signal,
        identity,
        tools: () => host.tools(),
        emit: (event) => {
          if (this.#running === running && !controller.signal.aborted) this.#onEvent(running, event);
        },
        ...(host.canAskQuestions()
          ? {
              askUser: (ask: QuestionAsk) => {
                this.#flushHeld(running);
                return host.questions.ask(queryId, ask, controller.signal);
              },
            }
          : {}),
        requestApproval: (ask) => {
          this.#flushHeld(running);
          return host.approvals.ask(queryId, { ...ask, args: displayArgs(ask.args, host.scrub.registry) }, controller.signal);
        },
      });
      finish();
      if (controller.signal.aborted) return this.#cancelled(queryId);
      this.#flushHeld(running);
      // Scrubbed of this session's own credentials and the server-wide secrets only (SessionScrubber).
      const text = host.scrub.text(outcome.text);
      host.transcript.add({ role: 'assistant', content: text, queryId, ...(running.tools.length ? { tools: running.tools } : {}) });
      host.emit({ type: 'response', queryId, text });
    } catch (error) {
      finish();
      if (controller.signal.aborted) return this.#cancelled(queryId);
      this.#flushHeld(running);
      const message = host.scrub.message(error instanceof Error ? error.message : String(error)) || 'The assistant failed. Try again.';
      const { code, detailCode } = describeFailure(error);
      host.logger.warn({ err: error, session: host.sessionId }, 'query failed');
      host.transcript.add({ role: 'error', content: message, queryId });
      host.stats.errorCounted();
      host.emit({ type: 'error', code, message, queryId, ...(detailCode ? { detailCode } : {}) });
    }
  }

  #cancelled(queryId: string): void {
    if (this.host.isEnded()) return;
    this.host.transcript.add({ role: 'info', content: 'Query cancelled.', queryId });
    this.host.emit({ type: 'cancelled', queryId });
  }

  /** Sends the streamed text still held back (before a tool event, an approval question, the answer or an error). */
  #flushHeld(running: RunningQuery): void {
    const held = running.heldText;
    running.heldText = '';
    const text = held ? this.host.scrub.flush(held) : '';
    if (text) this.host.emit({ type: 'delta', queryId: running.queryId, text });
  }

  #onEvent(running: RunningQuery, event: QueryEvent): void {
    const { host } = this;
    const { queryId } = running;
    // A stretch of text ends at any other event: what was held back goes first (a decision that depends on no secret).
    if (event.kind !== 'delta' && event.kind !== 'usage') this.#flushHeld(running);
    switch (event.kind) {
      case 'delta': {
        // A credential split across deltas must not slip through: see SessionScrubber.stream.
        const { ready, held } = host.scrub.stream(running.heldText + event.text);
        running.heldText = held;
        if (ready) host.emit({ type: 'delta', queryId, text: ready });
        return;
      }
      case 'tool_pending':
        // Shown while the approval question is open; counted when it starts (or is refused).
        this.#auditArgs(event);
        this.#announce(running, event, displayArgs(event.args, host.scrub.registry), true);
        return;
      case 'tool_start': {
        if (running.started.has(event.callId)) return;
        running.started.add(event.callId);
        host.toolUsed();
        // The admin's list is scrubbed with every secret (the shared registry); the peer's with its own scrubber.
        host.stats.toolStarted({
          id: event.callId,
          tool: event.tool,
          args: this.#auditArgs(event),
          startedAt: host.clock.now(),
        });
        this.#announce(running, event, displayArgs(event.args, host.scrub.registry), false);
        host.setState('running_tool', true);
        return;
      }
      case 'retrying':
        host.emit({ type: 'retrying', queryId, attempt: event.attempt, delayMs: event.delayMs });
        return;
      case 'tool_end': {
        const tool = running.tools.find((item) => item.callId === event.callId);
        if (tool) Object.assign(tool, { status: event.status, durationMs: event.durationMs });
        host.stats.toolEnded(event.callId, event.status, event.durationMs);
        host.toolUsed();
        const summary = event.summary === undefined ? undefined : host.scrub.message(event.summary).slice(0, 300);
        const adminSummary = event.summary === undefined ? undefined : host.adminSecrets.scrub(event.summary).slice(0, 300);
        const audit = this.#callAudit.get(event.callId);
        this.#callAudit.delete(event.callId);
        host.emit({
          type: 'tool_result',
          queryId,
          callId: event.callId,
          tool: event.tool,
          status: event.status,
          durationMs: event.durationMs,
          ...(summary !== undefined ? { summary } : {}),
          record: {
            callId: event.callId,
            args: audit?.args ?? {},
            approval: audit?.approval ?? (this.#alwaysAllowed.has(event.tool) ? 'approved_earlier' : 'automatic'),
            status: event.status,
            durationMs: event.durationMs,
            ...(audit?.title ? { title: audit.title } : {}),
            ...(adminSummary !== undefined ? { summary: adminSummary } : {}),
          },
        });
        host.setState('thinking', true);
        return;
      }
      case 'usage':
        host.stats.usage(event.usage);
        host.emit({ type: 'usage', usage: { ...event.usage } });
        return;
    }
  }

  /** Shows a call once and lists it for the transcript; a call already shown (awaiting approval) is left as it is. */
  #announce(
    running: RunningQuery,
    call: { callId: string; tool: string; title?: string },
    args: Record<string, unknown>,
    awaitingApproval: boolean,
  ): void {
    if (running.tools.some((tool) => tool.callId === call.callId)) return;
    const title = call.title ? { title: call.title } : {};
    running.tools.push({ callId: call.callId, tool: call.tool, status: 'running', ...title });
    this.host.emit({ type: 'tool_call', queryId: running.queryId, callId: call.callId, tool: call.tool, args, awaitingApproval, ...title });
  }
}
