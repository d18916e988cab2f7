import { allExtensions, decodeServerFrame, encodeFrame } from '../../../../shared/protocol';
import type { ClientMessageInput, ServerMessage } from '../../../../shared/protocol';

import { initialChatState, itemsFromTranscript, type ChatItem, type ChatState, type QuestionReply, type ToolChip } from './chatState';

/** How the client signs in: a teammate's own key, or the desk user's local token. */
export type ChatCredentials =
  | { kind: 'key'; apiKey: string; orgId: string; accessCode?: string }
  /** Fetches a fresh one-time `auth_local` token (and the URL to use) for every (re)connect. */
  | { kind: 'local'; connect: () => Promise<{ wsUrl: string; localToken: string }> };

/** The smallest WebSocket surface the client needs (the browser's, or `ws` in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface ChatClientOptions {
  /** The gateway's WebSocket URL (ignored for `local` credentials, which bring their own). */
  url: string;
  /** Default: `new WebSocket(url)`. */
  createSocket?: (url: string) => SocketLike;
  /** Where the resume ticket survives a page reload. Default: none. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Client name sent at sign-in. Default `web`. */
  clientName?: string;
  /** Reconnect delays, ms, by attempt (the last repeats). Default 500, 1000, 2000, 4000, 8000. */
  backoffMs?: readonly number[];
  now?: () => number;
}

const resumeKey = 'tallyfy-chat.resume';
/** Close codes after which reconnecting is pointless: quit, kicked, idle expiry, replaced, policy. */
const finalCloseCodes = new Set([1000, 1008, 4000, 4001, 4002]);

let idCounter = 0;
/** Ids unique within the page (crypto.randomUUID needs a secure context, which LAN http is not). */
export function newId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${idCounter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The chat protocol client: one signed-in session over a WebSocket, with streaming, tool chips,
 * approvals, cancel, clear, and automatic reconnect that resumes the same session. UI-agnostic:
 * read {@link getState}, {@link subscribe} to changes (fits `useSyncExternalStore`).
 */
export class ChatClient {
  #state: ChatState = initialChatState;
  readonly #listeners = new Set<() => void>();
  #socket: SocketLike | undefined;
  #credentials: ChatCredentials | undefined;
  #resume: { sessionId: string; token: string; orgId?: string } | undefined;
  /** Credentials to send with a `resume` after `RESUME_NEEDS_SIGN_IN` (memory only), until the session is back. */
  #resumeCredentials: { apiKey: string; orgId: string } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #stopped = true;
  /** The server forgot this session (it restarted or was stopped): say so once signed in again. */
  #contextLost = false;
  readonly #now: () => number;

  constructor(private readonly options: ChatClientOptions) {
    this.#now = options.now ?? (() => Date.now());
    const saved = options.storage?.getItem(resumeKey);
    if (saved) {
      try {
        const parsed = JSON.parse(saved) as { sessionId?: unknown; token?: unknown; orgId?: unknown };
        if (typeof parsed.sessionId === 'string' && typeof parsed.token === 'string')
          this.#resume = {
            sessionId: parsed.sessionId,
            token: parsed.token,
            ...(typeof parsed.orgId === 'string' ? { orgId: parsed.orgId } : {}),
          };
      } catch {
        options.storage?.removeItem(resumeKey);
      }
    }
  }

  getState = (): ChatState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** True when a saved resume ticket may restore a session without credentials (after a reload). */
  get canResume(): boolean {
    return this.#resume !== undefined;
  }

  #set(patch: Partial<ChatState> | ((state: ChatState) => Partial<ChatState>)): void {
    const next = typeof patch === 'function' ? patch(this.#state) : patch;
    this.#state = { ...this.#state, ...next };
    for (const listener of this.#listeners) listener();
  }

  /** Replaces the whole state (a merge would keep keys the new state leaves out, such as `identity`). */
  #replace(state: ChatState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }

  #updateItems(update: (items: ChatItem[]) => ChatItem[]): void {
    this.#set((state) => ({ items: update(state.items) }));
  }

  #send(message: ClientMessageInput): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== 1) return false;
    socket.send(encodeFrame(message as Record<string, unknown>));
    return true;
  }

  #saveResume(sessionId: string, token: string | undefined, orgId: string | undefined): void {
    if (!token) return;
    // The org id (not a secret) lets the page prefill it if another gateway node needs the key again.
    this.#resume = { sessionId, token, ...(orgId ? { orgId } : {}) };
    this.options.storage?.setItem(resumeKey, JSON.stringify(this.#resume));
  }

  #forgetResume(): void {
    this.#resume = undefined;
    this.options.storage?.removeItem(resumeKey);
  }

  /** Opens the socket just to learn what the server needs (e.g. an access code) before sign-in. */
  probe(): void {
    if (this.#socket) return;
    this.#stopped = false;
    void this.#open();
  }

  /** Signs in (connecting first if needed). Credentials stay in this object's memory only. */
  signIn(credentials: ChatCredentials): void {
    this.#credentials = credentials;
    this.#forgetResume();
    this.#stopped = false;
    this.#resumeCredentials = undefined;
    this.#set({ authError: undefined, notice: undefined, items: [], archived: undefined, resumeSignIn: undefined });
    if (credentials.kind === 'local' || !this.#socket || this.#socket.readyState > 1) {
      this.#closeSocket();
      this.#attempt = 0;
      void this.#open();
    } else if (this.#socket.readyState === 1) {
      this.#authenticate();
    }
  }

  /** Sends `resume`; with credentials (cluster mode) a node that does not hold the session can restore it. */
  #sendResume(credentials: { apiKey: string; orgId: string } | undefined): void {
    const ticket = this.#resume;
    if (!ticket) return;
    this.#send({
      type: 'resume',
      session_id: ticket.sessionId,
      resume_token: ticket.token,
      extensions: [...allExtensions],
      ...(credentials ? { api_key: credentials.apiKey, org_id: credentials.orgId } : {}),
    });
  }

  /**
   * Answers `RESUME_NEEDS_SIGN_IN`: resumes the same session on this gateway node with the
   * teammate's key and org id (kept in memory only, like a sign-in's).
   */
  resumeWithCredentials(credentials: { apiKey: string; orgId: string }): void {
    if (!this.#resume) return this.signIn({ kind: 'key', ...credentials });
    this.#credentials = { kind: 'key', ...credentials };
    this.#resumeCredentials = credentials;
    this.#stopped = false;
    this.#set({ authError: undefined });
    if (this.#socket?.readyState === 1) {
      this.#set({ status: 'authenticating' });
      this.#sendResume(credentials);
    } else {
      this.#closeSocket();
      this.#attempt = 0;
      void this.#open();
    }
  }

  /** Reconnects with the saved resume ticket (after a page reload). */
  resumeSaved(): void {
    if (!this.#resume) return;
    this.#stopped = false;
    this.#closeSocket();
    void this.#open();
  }

  #authenticate(): void {
    if (this.#resume) {
      this.#set({ status: 'authenticating' });
      this.#sendResume(this.#resumeCredentials);
      return;
    }
    const credentials = this.#credentials;
    if (!credentials) {
      this.#set({ status: 'connected' });
      return;
    }
    this.#set({ status: 'authenticating' });
    if (credentials.kind === 'key') {
      this.#send({
        type: 'auth',
        api_key: credentials.apiKey,
        org_id: credentials.orgId,
        extensions: [...allExtensions],
        client: this.options.clientName ?? 'web',
        ...(credentials.accessCode ? { access_code: credentials.accessCode } : {}),
      });
    }
  }

  async #open(): Promise<void> {
    this.#set({ status: this.#attempt > 0 ? 'reconnecting' : 'connecting' });
    let url = this.options.url;
    let localToken: string | undefined;
    if (this.#credentials?.kind === 'local' && !this.#resume) {
      try {
        const local = await this.#credentials.connect();
        url = local.wsUrl;
        localToken = local.localToken;
      } catch (error) {
        this.#set({ status: 'offline', authError: { code: 'LOCAL_NOT_AVAILABLE', message: (error as Error).message } });
        return;
      }
    }
    if (this.#stopped) return;
    const socket = this.options.createSocket ? this.options.createSocket(url) : (new WebSocket(url) as unknown as SocketLike);
    this.#socket = socket;
    socket.onmessage = (event) => {
      if (this.#socket !== socket || typeof event.data !== 'string') return;
      const decoded = decodeServerFrame(event.data);
      if (decoded.ok) this.#handle(decoded.message, localToken);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#onClose(event.code);
    };
    socket.onerror = () => undefined;
  }

  #onClose(code: number): void {
    const state = this.#state;
    const running = state.runningQueryId;
    this.#set({ approval: undefined, question: undefined, runningQueryId: undefined, retry: undefined });
    if (running) this.#finishAssistant(running, (item) => ({ ...item, streaming: false }));
    if (this.#stopped) {
      this.#set({ status: 'offline' });
      return;
    }
    if (finalCloseCodes.has(code)) {
      this.#stopped = true;
      this.#forgetResume();
      this.#set({ status: code === 1000 ? 'offline' : 'ended', identity: code === 1000 ? undefined : state.identity });
      return;
    }
    // With nothing to restore this only re-learns what the server needs (the sign-in form stays usable).
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const delays = this.options.backoffMs ?? [500, 1000, 2000, 4000, 8000];
    const delay = delays[Math.min(this.#attempt, delays.length - 1)] ?? 1000;
    this.#attempt += 1;
    this.#set({ status: 'reconnecting', reconnect: { attempt: this.#attempt, at: this.#now() + delay } });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#open(), delay);
  }

  /** Skips the reconnect wait. */
  retryNow(): void {
    if (this.#state.status !== 'reconnecting') return;
    clearTimeout(this.#timer);
    void this.#open();
  }

  #finishAssistant(queryId: string, update: (item: Extract<ChatItem, { kind: 'assistant' }>) => ChatItem): void {
    this.#updateItems((items) => items.map((item) => (item.kind === 'assistant' && item.id === queryId ? update(item) : item)));
  }

  #assistant(queryId: string): void {
    if (this.#state.items.some((item) => item.kind === 'assistant' && item.id === queryId)) return;
    this.#updateItems((items) => [...items, { kind: 'assistant', id: queryId, text: '', streaming: true, tools: [], at: this.#now() }]);
  }

  #updateChip(queryId: string, callId: string, update: (chip: ToolChip | undefined) => ToolChip): void {
    this.#assistant(queryId);
    this.#finishAssistant(queryId, (item) => {
      const index = item.tools.findIndex((chip) => chip.callId === callId);
      const tools = [...item.tools];
      if (index >= 0) tools[index] = update(tools[index]);
      else tools.push(update(undefined));
      return { ...item, tools };
    });
  }

  /** Chips still waiting or running when a query ends without their result (cancelled). */
  #settleChips(queryId: string): void {
    this.#finishAssistant(queryId, (item) =>
      item.tools.some((chip) => chip.status === 'awaiting_approval' || chip.status === 'running')
        ? {
            ...item,
            tools: item.tools.map((chip) =>
              chip.status === 'awaiting_approval' || chip.status === 'running' ? { ...chip, status: 'cancelled' } : chip,
            ),
          }
        : item,
    );
  }

  #clearRetry(queryId?: string): void {
    if (this.#state.retry && (queryId === undefined || this.#state.retry.queryId === queryId)) this.#set({ retry: undefined });
  }

  #handle(message: ServerMessage, localToken: string | undefined): void {
    const now = this.#now();
    switch (message.type) {
      case 'connection_established':
        this.#set({ sessionId: message.session_id, accessCodeRequired: message.access_code_required === true });
        if (localToken && this.#credentials?.kind === 'local' && !this.#resume) {
          this.#set({ status: 'authenticating' });
          this.#send({ type: 'auth_local', local_token: localToken, extensions: [...allExtensions] });
        } else {
          this.#authenticate();
        }
        return;
      case 'auth_success':
        this.#attempt = 0;
        this.#saveResume(message.session_id, message.resume_token, message.org.id);
        this.#set({
          status: 'ready',
          sessionId: message.session_id,
          identity: { user: message.user, org: message.org },
          extensions: message.extensions ?? [],
          authError: undefined,
          reconnect: undefined,
          notice: undefined,
          away: undefined,
        });
        if (this.#contextLost) {
          this.#contextLost = false;
          if (this.#state.items.some((item) => item.stale))
            this.#updateItems((items) => [
              ...items,
              {
                kind: 'info',
                id: newId('i'),
                code: 'context_lost',
                text: 'You are connected again, but the gateway restarted, so the assistant no longer remembers the earlier messages above (greyed out). Ask again from here.',
                at: now,
              },
            ]);
        }
        this.#flushQueued();
        return;
      case 'auth_error':
        // Signed in before and the admin stopped the gateway: keep the credentials (memory only) and try again by itself.
        if (message.code === 'GATEWAY_STOPPED' && this.#state.identity && this.#credentials) {
          this.#set({ away: { code: 'stopped', message: message.message } });
          this.#closeSocket();
          this.#scheduleReconnect();
          return;
        }
        this.#credentials = undefined;
        this.#set({ status: 'connected', authError: { code: message.code, message: message.message } });
        return;
      case 'resumed':
        this.#attempt = 0;
        this.#resumeCredentials = undefined;
        this.#saveResume(message.session_id, message.resume_token, message.org.id);
        this.#set((state) => ({
          status: 'ready',
          sessionId: message.session_id,
          identity: { user: message.user, org: message.org },
          extensions: message.extensions,
          items: itemsFromTranscript(message.transcript, state.items),
          runningQueryId: message.running_query_id,
          retry: undefined,
          reconnect: undefined,
          notice: undefined,
          authError: undefined,
          resumeSignIn: undefined,
        }));
        if (message.running_query_id) this.#assistant(message.running_query_id);
        this.#flushQueued();
        return;
      case 'processing':
        if (message.query_id) this.#assistant(message.query_id);
        return;
      case 'delta':
        this.#clearRetry(message.query_id);
        this.#assistant(message.query_id);
        this.#finishAssistant(message.query_id, (item) => ({ ...item, text: item.text + message.text }));
        return;
      case 'tool_call':
        this.#clearRetry(message.query_id);
        this.#updateChip(message.query_id, message.call_id, () => ({
          callId: message.call_id,
          tool: message.tool,
          args: message.args,
          status: message.status === 'awaiting_approval' ? 'awaiting_approval' : 'running',
          ...(message.title ? { title: message.title } : {}),
        }));
        return;
      case 'tool_result':
        this.#updateChip(message.query_id, message.call_id, (chip) => ({
          ...(chip ?? { callId: message.call_id, tool: message.tool, args: {} }),
          status: message.status,
          durationMs: message.duration_ms,
          ...(message.summary ? { summary: message.summary } : {}),
        }));
        return;
      case 'response': {
        const queryId = message.query_id ?? newId('r');
        this.#assistant(queryId);
        this.#finishAssistant(queryId, (item) => ({ ...item, text: message.content, streaming: false }));
        this.#settleChips(queryId);
        this.#clearRetry(message.query_id);
        if (this.#state.runningQueryId === queryId || !message.query_id) this.#set({ runningQueryId: undefined, approval: undefined, question: undefined });
        return;
      }
      case 'cancelled':
        this.#finishAssistant(message.query_id, (item) => ({ ...item, streaming: false, cancelled: true }));
        this.#settleChips(message.query_id);
        this.#clearRetry(message.query_id);
        this.#set({ runningQueryId: undefined, approval: undefined, question: undefined });
        return;
      case 'approval_request':
        // After a resume the chip may not be known yet: the question brings it back.
        if (message.call_id)
          this.#updateChip(message.query_id, message.call_id, (chip) => ({
            ...(chip ?? {
              callId: message.call_id!,
              tool: message.tool,
              args: message.args,
              ...(message.title ? { title: message.title } : {}),
            }),
            status: 'awaiting_approval',
          }));
        this.#set({
          approval: {
            requestId: message.request_id,
            queryId: message.query_id,
            tool: message.tool,
            args: message.args,
            destructive: message.destructive,
            message: message.message,
            allowAlways: message.allow_always === true,
            ...(message.title ? { title: message.title } : {}),
            ...(message.call_id ? { callId: message.call_id } : {}),
          },
        });
        return;
      case 'approval_resolved': {
        const pending = this.#state.approval;
        if (pending?.requestId === message.request_id) this.#set({ approval: undefined });
        const callId = message.call_id ?? (pending?.requestId === message.request_id ? pending.callId : undefined);
        const queryId = pending?.queryId ?? this.#state.runningQueryId;
        // Approved: the chip runs now (its tool_result follows). A refusal arrives as the chip's tool_result.
        if (message.approved && callId && queryId)
          this.#finishAssistant(queryId, (item) => ({
            ...item,
            tools: item.tools.map((chip) =>
              chip.callId === callId && chip.status === 'awaiting_approval' ? { ...chip, status: 'running' } : chip,
            ),
          }));
        return;
      }
      case 'question':
        this.#set({
          question: {
            requestId: message.request_id,
            queryId: message.query_id,
            ui: message.ui,
            question: message.question,
            ...(message.header ? { header: message.header } : {}),
            ...(message.details ? { details: message.details } : {}),
            ...(message.fields ? { fields: message.fields } : {}),
            ...(message.items ? { items: message.items } : {}),
            ...(message.submit_label ? { submitLabel: message.submit_label } : {}),
            ...(message.confirm_label ? { confirmLabel: message.confirm_label } : {}),
            ...(message.cancel_label ? { cancelLabel: message.cancel_label } : {}),
            ...(message.call_id ? { callId: message.call_id } : {}),
          },
        });
        return;
      case 'question_resolved':
        if (this.#state.question?.requestId === message.request_id) this.#set({ question: undefined });
        return;
      case 'idle_warning':
        this.#set({ notice: { tone: 'warning', message: message.message, expiresAt: message.expires_at } });
        return;
      case 'info':
        if (message.code === 'retrying') {
          const queryId = message.query_id ?? this.#state.runningQueryId;
          if (queryId) this.#set({ retry: { queryId, message: message.message, at: now + (message.retry_in_ms ?? 0) } });
          return;
        }
        if (message.code === 'history_cleared') {
          // New chat keeps the old conversation in a list for the session's life (read-only: the assistant forgot it).
          this.#set((state) => {
            const first = state.items.find((item) => item.kind === 'user');
            if (!first) return { items: [] };
            const title = first.text.length > 60 ? `${first.text.slice(0, 60)}…` : first.text;
            const archived = [...(state.archived ?? []), { id: newId('c'), title, at: first.at, items: state.items }].slice(-20);
            return { items: [], archived };
          });
          return;
        }
        if (message.code === 'shutdown' || message.code === 'stopped') {
          this.#set({ away: { code: message.code, message: message.message }, notice: undefined });
          return;
        }
        if (message.code === 'kicked' || message.code === 'idle_expired') {
          this.#set({ notice: { tone: 'error', message: message.message } });
          return;
        }
        if (message.code === 'goodbye') return;
        if (message.code === 'budget_warning') {
          // A spending limit at 80%: a banner that stays, so the teammate sees it while they chat.
          this.#set({ notice: { tone: 'warning', message: message.message } });
          return;
        }
        this.#updateItems((items) => [
          ...items,
          { kind: 'info', id: newId('i'), text: message.message, at: now, ...(message.code ? { code: message.code } : {}) },
        ]);
        return;
      case 'error':
        if (message.code === 'RESUME_NEEDS_SIGN_IN' && this.#resume) {
          const credentials = this.#credentials;
          // Signed in with a key in this tab: the new node gets it again at once (it never left this tab's memory).
          if (credentials?.kind === 'key' && !this.#resumeCredentials) {
            this.#resumeCredentials = { apiKey: credentials.apiKey, orgId: credentials.orgId };
            this.#sendResume(this.#resumeCredentials);
            return;
          }
          // After a reload the key is gone: ask for it (the org is known from the ticket).
          this.#resumeCredentials = undefined;
          const orgId = this.#resume.orgId ?? this.#state.identity?.org.id;
          this.#set({ status: 'connected', resumeSignIn: orgId ? { orgId } : {}, authError: undefined });
          return;
        }
        if (message.code === 'RESUME_FAILED' && this.#state.resumeSignIn && this.#resumeCredentials && this.#resume) {
          // The key typed for the conversation was refused: say so and let them try again (or start anew).
          this.#resumeCredentials = undefined;
          this.#credentials = undefined;
          this.#set({
            status: 'connected',
            authError: {
              code: 'RESUME_FAILED',
              message: 'That key and organization do not match this conversation, or it has ended. Check them, or start a new session.',
            },
          });
          return;
        }
        if (message.code === 'RESUME_FAILED') {
          this.#resumeCredentials = undefined;
          this.#forgetResume();
          if (this.#credentials) {
            // A new session starts with an empty memory: grey out what it no longer knows (said once signed in).
            this.#contextLost = true;
            this.#updateItems((items) => items.map((item) => (item.stale ? item : { ...item, stale: true })));
            this.#authenticate();
          } else {
            this.#set({
              status: 'connected',
              identity: undefined,
              items: [],
              authError: { code: 'RESUME_FAILED', message: 'Your session has ended. Sign in again.' },
            });
          }
          return;
        }
        if (message.query_id && this.#state.runningQueryId === message.query_id) {
          this.#set({ runningQueryId: undefined, approval: undefined, question: undefined });
          this.#clearRetry(message.query_id);
          this.#settleChips(message.query_id);
          this.#updateItems((items) =>
            items.filter((item) => !(item.kind === 'assistant' && item.id === message.query_id && !item.text && !item.tools.length)),
          );
          this.#finishAssistant(message.query_id, (item) => ({ ...item, streaming: false }));
        }
        this.#updateItems((items) => [...items, { kind: 'error', id: newId('e'), text: message.message, code: message.code, at: now }]);
        return;
      case 'welcome':
      case 'pong':
        return;
    }
  }

  /** Asks a question. False when not signed in or a question is already running. */
  ask(text: string): boolean {
    const content = text.trim();
    // Signed in but the connection is away: keep the question and send it once back.
    if (content && this.#state.identity && this.#isAway() && !this.#state.queued) {
      this.#set({ queued: content });
      return true;
    }
    if (!content || this.#state.status !== 'ready' || this.#state.runningQueryId) return false;
    // The text commands `/help` advertises: handled as the buttons are, so the composer never waits for an answer that does not come.
    const command = content.toLowerCase();
    if (command === 'clear') {
      this.clear();
      return true;
    }
    if (command === 'quit') {
      this.signOut();
      return true;
    }
    const queryId = newId('q');
    if (!this.#send({ type: 'query', content, query_id: queryId })) return false;
    this.#updateItems((items) => [...items, { kind: 'user', id: `u-${queryId}`, text: content, at: this.#now() }]);
    this.#set({ runningQueryId: queryId });
    return true;
  }

  #isAway(): boolean {
    const status = this.#state.status;
    return status === 'reconnecting' || status === 'connecting' || status === 'authenticating';
  }

  /** Sends the question kept while the connection was away (once ready and idle). */
  #flushQueued(): void {
    const queued = this.#state.queued;
    if (!queued || this.#state.status !== 'ready' || this.#state.runningQueryId) return;
    this.#set({ queued: undefined });
    this.ask(queued);
  }

  /**
   * Answers the pending approval question: `true` allows it once, `'always'` also allows this
   * tool for the rest of the session (when the question offered it), `false` refuses.
   */
  answerApproval(answer: boolean | 'always'): void {
    const approval = this.#state.approval;
    if (!approval) return;
    const always = answer === 'always' && approval.allowAlways;
    this.#send({ type: 'approval', request_id: approval.requestId, approved: answer !== false, ...(always ? { always: true } : {}) });
    this.#set({ approval: undefined });
  }

  /** Answers the question card (or declines it with `{answered: false}`). */
  answerQuestion(reply: QuestionReply): void {
    const question = this.#state.question;
    if (!question) return;
    this.#send({ type: 'question_answer', request_id: question.requestId, ...reply });
    this.#set({ question: undefined });
  }

  /** Stops the running question. */
  cancel(): void {
    const queryId = this.#state.runningQueryId;
    if (queryId) this.#send({ type: 'cancel', query_id: queryId });
  }

  /** Empties the conversation (the server forgets it too). */
  clear(): void {
    if (this.#state.runningQueryId) return;
    this.#send({ type: 'query', content: 'clear' });
  }

  /** Counts as activity: keeps an idle session open. */
  stayActive(): void {
    this.#send({ type: 'hello', extensions: [...allExtensions] });
    this.#set({ notice: undefined });
  }

  /** Says goodbye (`quit`), forgets the credentials and the resume ticket. */
  signOut(): void {
    this.#send({ type: 'query', content: 'quit' });
    this.#stopped = true;
    this.#credentials = undefined;
    this.#forgetResume();
    clearTimeout(this.#timer);
    this.#attempt = 0;
    this.#replace({ ...initialChatState, accessCodeRequired: this.#state.accessCodeRequired });
    const socket = this.#socket;
    this.#socket = undefined;
    setTimeout(() => {
      socket?.close(1000, 'signed out');
      // The server is still there: learn again what it needs, so the sign-in form says "ready to sign in", not "offline".
      if (this.#listeners.size > 0) this.probe();
    }, 200);
  }

  /** Back to the sign-in form after the server ended the session. */
  reset(): void {
    this.#closeSocket();
    this.#credentials = undefined;
    this.#forgetResume();
    this.#attempt = 0;
    this.#stopped = false;
    this.#replace({ ...initialChatState });
    void this.#open();
  }

  #closeSocket(): void {
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'client closing');
  }

  /** Closes everything (the component unmounts). */
  dispose(): void {
    this.#stopped = true;
    this.#closeSocket();
    this.#listeners.clear();
  }
}
