import { createHash, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';

import type { ClientKind } from '../../../shared/types/session';
import type { Logger } from '../log/logger';

import type { Identity } from './engine';
import type { TranscriptEntry } from './transcript';

/**
 * Where a cluster keeps each resumable session's conversation (model history and transcript) so
 * that another node can restore it when the session's node dies. Never credentials, never a
 * secret: the resume token is kept as its SHA-256 only. A dumb store of JSON strings: whatever it
 * returns is validated here, in the sessions layer, before use (it may be corrupt, stale or from
 * another version). One node (no Redis) has none: sessions then live in memory only, as always.
 * The Redis implementation is `cluster/redisConversationStore.ts`.
 */
export interface ConversationStore {
  /** Applies one change to session `id` and sets its expiry to `ttlMs` from now (every part of it). */
  write(id: string, change: ConversationWrite, ttlMs: number): Promise<void>;
  /** Postpones the expiry of session `id` to `ttlMs` from now (activity without a new turn). */
  refresh(id: string, ttlMs: number): Promise<void>;
  /** Everything kept for session `id`, or undefined when nothing is (never kept, deleted or expired). */
  load(id: string): Promise<StoredConversation | undefined>;
  /** Deletes session `id`, only while `owner` still holds it (a node that restored it meanwhile keeps it). */
  remove(id: string, owner: string): Promise<void>;
}

/** One change to a kept conversation, applied at once. */
export interface ConversationWrite {
  /** Replaces the session's description; `owner` is the node that holds the session now. */
  meta?: { owner: string; data: string };
  history?: ListWrite;
  transcript?: ListWrite & { keepLast?: number };
}

/**
 * A change to a list of JSON strings: rewrite it whole, or patch it (drop from the front, replace
 * some entries by index after the drop, append) — the cheap case after a turn is append only.
 */
export type ListWrite = { rewrite: string[] } | { dropFront: number; set: Array<[index: number, value: string]>; append: string[] };

/** What {@link ConversationStore.load} returns: raw, validated by {@link parseStoredConversation}. */
export interface StoredConversation {
  /** The node holding the session when it was written (the dead one, when restoring). */
  owner: string;
  meta: string;
  history: string[];
  transcript: string[];
}

/** Entries of the transcript kept in the store: the newest 200 (as the session's own transcript). */
export const storedTranscriptLimit = 200;

const identitySchema = z.object({
  user: z.object({ id: z.string().min(1), name: z.string(), email: z.string(), role: z.string().optional() }),
  org: z.object({ id: z.string().min(1), name: z.string().optional() }),
  timezone: z.string().optional(),
});

/** A kept session's description: who it belongs to and how to check its resume token. No secret. */
const storedMetaSchema = z.object({
  v: z.literal(1),
  identity: identitySchema,
  kind: z.enum(['web', 'ws']),
  connectedAt: z.number(),
  /** SHA-256 (hex) of the current resume token. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  client: z.string().max(64).optional(),
});
export type StoredMeta = z.infer<typeof storedMetaSchema>;

const transcriptEntrySchema = z.object({
  role: z.enum(['user', 'assistant', 'info', 'error']),
  content: z.string(),
  queryId: z.string().optional(),
  at: z.number(),
  tools: z
    .array(
      z.object({
        callId: z.string(),
        tool: z.string(),
        title: z.string().optional(),
        status: z.enum(['running', 'ok', 'error', 'denied', 'cancelled']),
        durationMs: z.number().optional(),
      }),
    )
    .optional(),
});

/** A kept conversation after validation: history entries are still unknown (the engine checks them). */
export interface RestoredConversation {
  meta: StoredMeta;
  history: unknown[];
  transcript: TranscriptEntry[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Validates what the store returned; undefined when the description is unusable (unreadable entries are skipped). */
export function parseStoredConversation(stored: StoredConversation): RestoredConversation | undefined {
  const meta = storedMetaSchema.safeParse(parseJson(stored.meta));
  if (!meta.success) return undefined;
  const history = stored.history.map(parseJson);
  // A history with a hole would not be a valid conversation: drop it whole (the transcript still shows it).
  const usableHistory = history.some((message) => message === undefined) ? [] : history;
  const transcript: TranscriptEntry[] = [];
  for (const text of stored.transcript) {
    const entry = transcriptEntrySchema.safeParse(parseJson(text));
    if (entry.success) transcript.push(entry.data);
  }
  return { meta: meta.data, history: usableHistory, transcript };
}

/** SHA-256 (hex) of a resume token: all the store ever sees of it. */
export function resumeTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time check of a presented resume token against a kept hash. */
export function resumeTokenMatches(token: string, hash: string): boolean {
  const given = createHash('sha256').update(token, 'utf8').digest();
  const expected = Buffer.from(hash, 'hex');
  return expected.length === given.length && timingSafeEqual(given, expected);
}

/**
 * The cheapest write that turns the kept list `kept` into `current`, comparing entries by identity
 * (the history's message objects are never mutated, only appended, dropped from the front by
 * trimming, or replaced). Append only after a plain turn; drop-front and append after a trim; a
 * few replaced entries (a merged last turn) by index; anything else is a rewrite.
 */
export function planListWrite<T>(kept: readonly T[], current: readonly T[], encode: (item: T) => string): ListWrite {
  const rewrite = (): ListWrite => ({ rewrite: current.map(encode) });
  if (kept.length === 0 || current.length === 0) return rewrite();
  const first = current[0];
  let dropFront = kept.indexOf(first as T);
  if (dropFront < 0) {
    // The first kept entry may itself have been replaced (a trim that carried a search forward): only when nothing was dropped.
    if (kept.length > 1 && kept[1] === current[1]) dropFront = 0;
    else return rewrite();
  }
  const overlap = kept.length - dropFront;
  if (current.length < overlap) return rewrite();
  const set: Array<[number, string]> = [];
  for (let i = 0; i < overlap; i++) {
    if (kept[dropFront + i] !== current[i]) set.push([i, encode(current[i] as T)]);
  }
  if (set.length > 2) return rewrite();
  return { dropFront, set, append: current.slice(overlap).map(encode) };
}

/** What a session tells its recorder. */
export interface RecordedSession {
  readonly id: string;
  kind(): ClientKind;
  readonly connectedAt: number;
  identity(): Identity | undefined;
  client(): string | undefined;
  /** The model history now (message objects, compared by identity), or undefined when the engine keeps none. */
  history(): readonly object[] | undefined;
  readonly transcript: { readonly entries: readonly TranscriptEntry[]; readonly total: number };
}

/** Options of {@link ConversationRecorder}. */
export interface ConversationRecorderOptions {
  store: ConversationStore;
  /** This node's name (`--node-id`): the owner written with every description (read at each write: known once the node joined). */
  node: string | (() => string);
  /** The idle timeout now, ms: every write sets the expiry to it. */
  ttlMs(): number;
  now(): number;
  logger: Logger;
  /**
   * Applied to each entry's JSON before it is stored: the session's scrubber, so a credential the
   * teammate pasted into a question (or a server-wide secret) never reaches the store. Default: none.
   */
  scrub?: (text: string) => string;
}

/**
 * Keeps one session's conversation in the {@link ConversationStore} while the session lives:
 * the description when a resume token is issued, the new turns after each query (appended),
 * the expiry refreshed on activity, and the whole of it deleted when the session ends (except at
 * a node's shutdown, so its teammates can resume elsewhere). Writes run one after another; a
 * failed write (Redis away) makes the next one rewrite everything, so the store catches up when
 * it is back. Nothing is kept before a resume token exists: without one the session cannot be restored.
 */
export class ConversationRecorder {
  #tokenHash: string | undefined;
  /** The history entries the store holds, by identity; undefined = unknown (rewrite next time). */
  #keptHistory: readonly object[] | undefined;
  /** `transcript.total` when the store last caught up; undefined = unknown. */
  #keptTranscriptTotal: number | undefined;
  #lastWriteAt = 0;
  #queue: Promise<void> = Promise.resolve();
  #removed = false;
  #warned = false;

  constructor(
    private readonly session: RecordedSession,
    private readonly options: ConversationRecorderOptions,
  ) {}

  /** True once the session is kept in the store (a resume token was issued). */
  get active(): boolean {
    return this.#tokenHash !== undefined && !this.#removed && this.session.kind() !== 'local';
  }

  /** A resume token was issued: keep its hash (and, the first time, everything so far). */
  tokenIssued(token: string): void {
    this.#tokenHash = resumeTokenHash(token);
    this.#write(true);
  }

  /** The session was restored from the store: the next write (with the next token) rewrites it whole, as this node's. */
  restored(): void {
    this.#keptHistory = undefined;
    this.#keptTranscriptTotal = undefined;
  }

  /** A query finished (answer, error or cancel): append what it added. */
  turnFinished(): void {
    this.#write(false);
  }

  /** `clear`: the store forgets the history and the transcript too. */
  cleared(): void {
    this.#keptHistory = [];
    this.#keptTranscriptTotal = this.session.transcript.total;
    if (!this.active) return;
    this.#enqueue(async () => {
      await this.options.store.write(this.session.id, { history: { rewrite: [] }, transcript: { rewrite: [] } }, this.options.ttlMs());
    });
  }

  /** Activity: postpones the expiry, at most once per tenth of the idle timeout (and at most every minute). */
  touched(): void {
    if (!this.active) return;
    const ttl = this.options.ttlMs();
    const now = this.options.now();
    if (now - this.#lastWriteAt < Math.min(60_000, ttl / 10)) return;
    this.#lastWriteAt = now;
    this.#enqueue(() => this.options.store.refresh(this.session.id, ttl));
  }

  /** The session ended for good: delete it from the store (if this node still holds it). */
  ended(): void {
    if (!this.active) return;
    this.#removed = true;
    this.#enqueue(() => this.options.store.remove(this.session.id, this.#node()));
  }

  /** Resolves when every write so far has been tried (tests, shutdown). */
  flushed(): Promise<void> {
    return this.#queue;
  }

  #write(withMeta: boolean): void {
    if (!this.active) return;
    this.#enqueue(async () => {
      const { session } = this;
      const identity = session.identity();
      if (!identity || !this.#tokenHash) return;
      const change: ConversationWrite = {};
      if (withMeta || this.#keptHistory === undefined) {
        const meta: StoredMeta = {
          v: 1,
          identity,
          kind: session.kind() === 'ws' ? 'ws' : 'web',
          connectedAt: session.connectedAt,
          tokenHash: this.#tokenHash,
          ...(session.client() ? { client: session.client() } : {}),
        };
        change.meta = { owner: this.#node(), data: JSON.stringify(meta) };
      }
      const history = session.history();
      const scrub = this.options.scrub ?? ((text: string) => text);
      const encode = (value: unknown): string => scrub(JSON.stringify(value));
      if (history) change.history = planListWrite(this.#keptHistory ?? [], history, encode);
      const { entries, total } = session.transcript;
      const kept = this.#keptTranscriptTotal;
      const added = kept === undefined ? Number.POSITIVE_INFINITY : total - kept;
      change.transcript =
        added >= entries.length
          ? { rewrite: entries.map(encode) }
          : {
              dropFront: 0,
              set: [],
              append: entries.slice(entries.length - added).map(encode),
              keepLast: storedTranscriptLimit,
            };
      // Assumed kept unless the write fails (then the next write rewrites everything).
      const keptHistory = history ? [...history] : undefined;
      this.#keptHistory = keptHistory;
      this.#keptTranscriptTotal = total;
      this.#lastWriteAt = this.options.now();
      try {
        await this.options.store.write(session.id, change, this.options.ttlMs());
        this.#warned = false;
      } catch (error) {
        this.#keptHistory = undefined;
        this.#keptTranscriptTotal = undefined;
        throw error;
      }
    });
  }

  #node(): string {
    const { node } = this.options;
    return typeof node === 'function' ? node() : node;
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch((error: unknown) => {
      // Redis away: the session keeps working from memory; the store catches up at the next write.
      if (!this.#warned)
        this.options.logger.warn({ err: error, session: this.session.id }, 'could not keep the conversation in the cluster store');
      this.#warned = true;
    });
  }
}
