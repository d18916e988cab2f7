import {
  closeCodes,
  errorCodes,
  mayReceive,
  type ErrorCode,
  type Extension,
  type ServerMessage,
  type TranscriptEntry,
} from '../../../shared/protocol';
import type { PendingApproval } from '../sessions/approvalBroker';
import type { PendingQuestion } from '../sessions/questionBroker';
import type { Session } from '../sessions/session';
import { sessionErrorCodes, type SessionEndReason, type SessionEvent } from '../sessions/sessionEvents';
import type { TranscriptEntry as SessionTranscriptEntry } from '../sessions/transcript';

import { approvalQuestion, cancelledNotice, idleNotice, textApprovalOutcome, textApprovalQuestion } from './legacyProtocol';

/** Where a session's messages go: one WebSocket (or any transport). */
export interface SessionChannel {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** Every code a session raises is a wire `error` code: this line stops compiling otherwise. */
export const sessionCodesOnTheWire: readonly ErrorCode[] = sessionErrorCodes;

function wireErrorCode(code: string): ErrorCode {
  return (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL';
}

/** The transcript as `resumed` replays it. */
export function wireTranscript(entries: readonly SessionTranscriptEntry[]): TranscriptEntry[] {
  return entries.map((entry) => ({
    role: entry.role,
    content: entry.content,
    at: entry.at,
    ...(entry.queryId ? { query_id: entry.queryId } : {}),
    ...(entry.tools
      ? {
          tools: entry.tools.map((tool) => ({
            call_id: tool.callId,
            tool: tool.tool,
            status: tool.status,
            ...(tool.title ? { title: tool.title } : {}),
            ...(tool.durationMs !== undefined ? { duration_ms: tool.durationMs } : {}),
            ...(tool.textOffset !== undefined ? { text_offset: tool.textOffset } : {}),
          })),
        }
      : {}),
  }));
}

/** What the peer is told when a session ends, and the close code; nothing when the peer is already gone. */
export const endNotices: Record<
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
    message: `The gateway is shutting down${shutdownDetail(detail)}. Reconnect when it is back.`,
    code: closeCodes.goingAway,
    reason: 'server shutting down',
  }),
  disconnected: () => undefined,
  resume_expired: () => undefined,
};

/** The core's stop reason repeats the notice's words ("server shutting down (SIGTERM)"): only what it adds, as " (SIGTERM)". */
function shutdownDetail(detail: string | undefined): string {
  const extra = (detail ?? '').replace(/^server shutting down\s*/i, '').replace(/^\((.*)\)$/, '$1').trim();
  return extra ? ` (${extra})` : '';
}

export interface PresenterOptions {
  /** The idle timeout now, ms (for the goodbye text). */
  idleTimeoutMs(): number;
}

/**
 * Turns one session's events into wire messages on whichever connection carries the session
 * now: gates every message by the extensions the peer negotiated (an old client never receives
 * a type it does not know, and gets the `info` fallbacks of legacyProtocol instead), and closes
 * the connection with the right code when the session ends. Lives as long as its session.
 */
export class SessionPresenter {
  /** Extensions in force (negotiated at `auth`, `hello` or `resume`). */
  readonly extensions = new Set<Extension>();
  saidHello = false;
  #client: string | undefined;
  #channel: SessionChannel | undefined;
  /** Approval questions asked in an `info` (answered by a yes/no query); made at the first one (idle sessions stay small). */
  #askedInText: Set<string> | undefined;

  constructor(
    readonly session: Session,
    private readonly options: PresenterOptions,
  ) {
    session.on((event) => this.#render(event));
  }

  /** True when the question `requestId` was asked in text (so a yes/no query answers it). A fresh function per read: no closure per idle session. */
  get askedInText(): (requestId: string) => boolean {
    return (requestId) => this.#askedInText?.has(requestId) === true;
  }

  /** Sends `message` when the peer negotiated its type and a connection is attached; drops it otherwise. */
  send(message: ServerMessage): void {
    if (!this.#channel || !mayReceive(message.type, this.extensions, this.saidHello)) return;
    this.#channel.send(message);
  }

  /** Reports a gateway-level error to the peer (counted in the session's stats). */
  error(code: ErrorCode, message: string, queryId?: string): void {
    this.session.reportError(code, message, queryId);
  }

  /** Adds extensions (union with those already in force) and the client's name. */
  negotiate(extensions: readonly Extension[] | undefined, client?: string): void {
    for (const extension of extensions ?? []) this.extensions.add(extension);
    if (client) this.#client = client;
    this.session.describeConnection({
      extensions: [...this.extensions],
      resumable: this.extensions.has('resume'),
      ...(this.#client ? { client: this.#client } : {}),
    });
  }

  attach(channel: SessionChannel): void {
    this.#channel = channel;
    this.session.attach();
  }

  /** The connection closed. With `channel`, only when it is still the attached one (a resumed session moved on). */
  detach(channel: SessionChannel): void {
    if (channel !== this.#channel) return;
    this.#channel = undefined;
    this.session.detach();
  }

  /**
   * Moves the session onto `channel` after a `resume`: the old connection (if any) is closed as
   * replaced, the transcript is replayed, and a waiting approval question is asked again.
   */
  resumeOn(channel: SessionChannel, extensions: readonly Extension[] | undefined): void {
    const previous = this.#channel;
    this.#channel = undefined;
    previous?.close(closeCodes.replaced, 'resumed on another connection');
    this.#channel = channel;
    this.extensions.add('resume');
    this.negotiate(extensions);
    this.session.resumed();
    const { session } = this;
    const identity = session.identity!;
    const running = session.runningQueryId;
    this.send({
      type: 'resumed',
      session_id: session.id,
      message: `Welcome back, ${identity.user.name}.`,
      user: identity.user,
      org: identity.org,
      extensions: [...this.extensions],
      resume_token: session.issueResumeToken(),
      transcript: wireTranscript(session.transcript),
      ...(running ? { running_query_id: running } : {}),
    });
    const pending = session.pendingApproval;
    if (pending) this.#ask(pending);
    const question = session.pendingQuestion;
    if (question) this.#askQuestion(question);
  }

  /** A question card (extension `questions`; the session asks only a peer that negotiated it). */
  #askQuestion(question: PendingQuestion): void {
    this.send({
      type: 'question',
      request_id: question.requestId,
      query_id: question.queryId,
      call_id: question.callId,
      ui: question.ui,
      question: question.question,
      ...(question.header ? { header: question.header } : {}),
      ...(question.details ? { details: question.details } : {}),
      ...(question.fields ? { fields: question.fields } : {}),
      ...(question.items ? { items: question.items } : {}),
      ...(question.submitLabel ? { submit_label: question.submitLabel } : {}),
      ...(question.confirmLabel ? { confirm_label: question.confirmLabel } : {}),
      ...(question.cancelLabel ? { cancel_label: question.cancelLabel } : {}),
    });
  }

  #ask(approval: PendingApproval): void {
    if (!this.extensions.has('approvals')) {
      (this.#askedInText ??= new Set()).add(approval.requestId);
      return this.send(textApprovalQuestion(approval));
    }
    this.#askedInText?.delete(approval.requestId);
    this.send({
      type: 'approval_request',
      request_id: approval.requestId,
      query_id: approval.queryId,
      tool: approval.tool,
      args: approval.args,
      destructive: approval.destructive,
      message: `${approvalQuestion(approval)} Allow it?`,
      ...(approval.title ? { title: approval.title } : {}),
      ...(approval.callId ? { call_id: approval.callId } : {}),
      ...(approval.allowAlways ? { allow_always: true } : {}),
      ...(approval.names ? { names: approval.names } : {}),
    });
  }

  #render(event: SessionEvent): void {
    switch (event.type) {
      case 'processing':
        return this.send({ type: 'processing', message: 'Processing your query...', query_id: event.queryId });
      case 'delta':
        return this.send({ type: 'delta', query_id: event.queryId, text: event.text });
      case 'tool_call':
        return this.send({
          type: 'tool_call',
          query_id: event.queryId,
          call_id: event.callId,
          tool: event.tool,
          args: event.args,
          ...(event.awaitingApproval ? { status: 'awaiting_approval' as const } : {}),
          ...(event.title ? { title: event.title } : {}),
        });
      case 'tool_result':
        return this.send({
          type: 'tool_result',
          query_id: event.queryId,
          call_id: event.callId,
          tool: event.tool,
          status: event.status,
          duration_ms: event.durationMs,
          ...(event.summary !== undefined ? { summary: event.summary } : {}),
        });
      case 'retrying': {
        const seconds = Math.max(1, Math.ceil(event.delayMs / 1000));
        return this.send({
          type: 'info',
          code: 'retrying',
          message: `Claude is busy, retrying in ${seconds} s…`,
          query_id: event.queryId,
          retry_in_ms: event.delayMs,
        });
      }
      case 'response':
        return this.send({ type: 'response', content: event.text, query_id: event.queryId });
      case 'cancelled':
        return this.send(
          this.extensions.has('cancel') ? { type: 'cancelled', query_id: event.queryId, message: 'Query cancelled.' } : cancelledNotice,
        );
      case 'error':
        return this.send({
          type: 'error',
          code: wireErrorCode(event.code),
          message: event.message,
          ...(event.queryId ? { query_id: event.queryId } : {}),
          ...(event.detailCode ? { detail_code: event.detailCode } : {}),
        });
      case 'approval_requested':
        return this.#ask(event.approval);
      case 'approval_resolved': {
        const { approval, answer, reason } = event;
        this.send({
          type: 'approval_resolved',
          request_id: approval.requestId,
          approved: answer !== 'deny',
          reason,
          ...(approval.callId ? { call_id: approval.callId } : {}),
          ...(answer === 'always' ? { always: true } : {}),
        });
        if (this.#askedInText?.delete(approval.requestId) === true && reason === 'answered') this.send(textApprovalOutcome(approval.tool, answer));
        return;
      }
      case 'question_requested':
        return this.#askQuestion(event.question);
      case 'question_resolved':
        return this.send({ type: 'question_resolved', request_id: event.question.requestId, reason: event.reason, call_id: event.question.callId });
      case 'notice':
        return this.send({ type: 'info', code: event.code, message: event.message });
      case 'history_cleared':
        // `clear` also forgets the tools allowed "for the rest of the session" (docs/protocol.md).
        return this.send({ type: 'info', code: 'history_cleared', message: 'Conversation history cleared.' });
      case 'idle_warning': {
        const minutes = Math.max(1, Math.round(event.secondsLeft / 60));
        const message = `This session will close in about ${minutes} minute${minutes === 1 ? '' : 's'} because it has been idle. Send anything to keep it open.`;
        return this.send(
          this.extensions.has('idle')
            ? { type: 'idle_warning', message, expires_at: event.expiresAt, seconds_left: event.secondsLeft }
            : idleNotice(message),
        );
      }
      case 'ended': {
        const channel = this.#channel;
        this.#channel = undefined;
        const notice = endNotices[event.reason](event.detail, Math.round(this.options.idleTimeoutMs() / 60_000));
        if (!channel || !notice) return;
        channel.send({ type: 'info', code: event.reason === 'quit' ? 'goodbye' : event.reason, message: notice.message });
        channel.close(notice.code, notice.reason);
        return;
      }
      case 'changed':
      case 'query_done':
      case 'usage':
        return;
    }
  }
}
