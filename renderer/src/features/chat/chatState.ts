import type { AuthErrorCode, ErrorCode, Extension, QuestionField, TranscriptEntry } from '../../../../shared/protocol';

/** Where the connection stands, as the UI shows it. */
export type ConnectionStatus =
  /** Not connected and not trying (before sign-in, after sign-out). */
  | 'offline'
  /** Opening the socket. */
  | 'connecting'
  /** Open, waiting for the user's credentials. */
  | 'connected'
  /** Credentials (or a resume token) sent, waiting for the answer. */
  | 'authenticating'
  /** Signed in: questions can be asked. */
  | 'ready'
  /** The connection dropped; a new attempt is scheduled. */
  | 'reconnecting'
  /** Ended by the server for good (kicked, idle, signed in elsewhere): sign in again. */
  | 'ended';

/** One tool call shown as a chip under an answer: waiting for the user's yes, running, or finished. */
export interface ToolChip {
  callId: string;
  tool: string;
  title?: string;
  args: Record<string, unknown>;
  status: 'awaiting_approval' | 'running' | 'ok' | 'error' | 'denied' | 'cancelled';
  durationMs?: number;
  summary?: string;
}

/** One entry of the visible conversation. */
export type ChatItem =
  | { kind: 'user'; id: string; text: string; at: number; stale?: boolean }
  | { kind: 'assistant'; id: string; text: string; streaming: boolean; cancelled?: boolean; tools: ToolChip[]; at: number; stale?: boolean }
  | { kind: 'info'; id: string; text: string; code?: string; at: number; stale?: boolean }
  | { kind: 'error'; id: string; text: string; code: ErrorCode; at: number; stale?: boolean };

/** An approval question waiting for the user. */
export interface PendingApproval {
  requestId: string;
  queryId: string;
  tool: string;
  title?: string;
  args: Record<string, unknown>;
  destructive: boolean;
  message: string;
  /** The tool chip this question is about. */
  callId?: string;
  /** The server accepts "always allow this tool for the rest of the session". */
  allowAlways: boolean;
}

/** A question the assistant asks the person (its `ask_user_*` tools), shown as a card (extension `questions`). */
export interface PendingQuestion {
  requestId: string;
  queryId: string;
  ui: 'question' | 'rank' | 'confirm';
  question: string;
  header?: string;
  details?: string;
  fields?: QuestionField[];
  items?: string[];
  submitLabel?: string;
  confirmLabel?: string;
  cancelLabel?: string;
  callId?: string;
}

/** The person's answer to a {@link PendingQuestion}: declined, or answers / a ranking / a yes-no. */
export type QuestionReply =
  | { answered: false }
  | { answered: true; answers?: Record<string, string | number | boolean | string[]>; ranking?: string[]; confirmed?: boolean };

/** Who is signed in. */
export interface ChatIdentity {
  user: { id: string; name: string; email: string; role?: string };
  org: { id: string; name?: string };
}

/** Everything the chat UI renders. Immutable: every change is a new object. */
export interface ChatState {
  status: ConnectionStatus;
  sessionId?: string;
  identity?: ChatIdentity;
  extensions: Extension[];
  /** The server wants `access_code` at sign-in. */
  accessCodeRequired: boolean;
  authError?: { code: AuthErrorCode | 'RESUME_FAILED'; message: string };
  items: ChatItem[];
  /** The query being answered, if any. */
  runningQueryId?: string;
  approval?: PendingApproval;
  /** A question card waiting for the person's answer. */
  question?: PendingQuestion;
  /** The assistant is busy (Anthropic overloaded or rate-limited) and the server retries: shown quietly in the answer. */
  retry?: { queryId: string; message: string; at: number };
  /** A banner: the idle warning, a shutdown notice, why the session ended. */
  notice?: { tone: 'warning' | 'error' | 'info'; message: string; expiresAt?: number };
  /** While reconnecting: which attempt, and when the next one starts (ms since epoch). */
  reconnect?: { attempt: number; at: number };
  /**
   * Why the server is away, in its own words (the admin stopped the gateway, it is shutting
   * down): shown while reconnecting, cleared once signed in again.
   */
  away?: { code: 'stopped' | 'shutdown'; message: string };
  /** A question written while the connection was away: sent as soon as the session is back. */
  queued?: string;
  /** Earlier conversations of this session (New chat keeps them here, read-only, until sign-out), oldest first. */
  archived?: ArchivedChat[];
  /**
   * Cluster mode: the session's gateway node is gone and another node can restore the conversation
   * once given the API key again (`RESUME_NEEDS_SIGN_IN`). `orgId` is the session's org, when known.
   */
  resumeSignIn?: { orgId?: string };
}

/** A conversation put aside by New chat: the assistant no longer remembers it, the page still shows it. */
export interface ArchivedChat {
  id: string;
  /** The first question, shortened. */
  title: string;
  at: number;
  items: ChatItem[];
}

export const initialChatState: ChatState = { status: 'offline', extensions: [], accessCodeRequired: false, items: [] };

/** Rebuilds the visible conversation from a `resumed` transcript, keeping the tool chips already known. */
export function itemsFromTranscript(transcript: readonly TranscriptEntry[], previous: readonly ChatItem[]): ChatItem[] {
  const chips = new Map<string, ToolChip[]>();
  for (const item of previous) if (item.kind === 'assistant' && item.tools.length) chips.set(item.id, item.tools);
  return transcript.map((entry, index): ChatItem => {
    const id = entry.query_id ?? `t${index}`;
    switch (entry.role) {
      case 'user':
        return { kind: 'user', id: `u-${id}`, text: entry.content, at: entry.at };
      case 'assistant':
        return {
          kind: 'assistant',
          id,
          text: entry.content,
          streaming: false,
          tools:
            chips.get(id) ??
            (entry.tools ?? []).map((tool) => ({
              callId: tool.call_id,
              tool: tool.tool,
              args: {},
              status: tool.status,
              ...(tool.title ? { title: tool.title } : {}),
              ...(tool.duration_ms !== undefined ? { durationMs: tool.duration_ms } : {}),
            })),
          at: entry.at,
        };
      case 'info':
        return { kind: 'info', id: `i-${id}-${index}`, text: entry.content, at: entry.at };
      case 'error':
        return { kind: 'error', id: `e-${id}-${index}`, text: entry.content, code: 'AGENT_FAILED', at: entry.at };
    }
  });
}
