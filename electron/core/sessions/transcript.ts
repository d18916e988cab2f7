import type { Clock } from './clock';

/** A tool call behind an answer, as the transcript keeps it (no arguments, no data). */
export interface TranscriptTool {
  callId: string;
  tool: string;
  title?: string;
  status: 'running' | 'ok' | 'error' | 'denied' | 'cancelled';
  durationMs?: number;
}

/** One entry of a session's visible conversation (replayed to a client that resumes). */
export interface TranscriptEntry {
  role: 'user' | 'assistant' | 'info' | 'error';
  /** Text as the client saw it (already scrubbed of credentials). */
  content: string;
  queryId?: string;
  /** When it was recorded, ms since the epoch. */
  at: number;
  /** The tool calls behind an assistant answer. */
  tools?: TranscriptTool[];
}

/** Default number of entries a transcript keeps: the newest 200. */
export const defaultTranscriptLimit = 200;

/** A session's visible conversation, bounded to the newest `limit` entries (default 200). */
export class Transcript {
  readonly #entries: TranscriptEntry[] = [];
  #total = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limit = defaultTranscriptLimit,
  ) {}

  get entries(): readonly TranscriptEntry[] {
    return this.#entries;
  }

  /** Entries ever added (cleared and dropped ones included): tells a recorder what is new. */
  get total(): number {
    return this.#total;
  }

  add(entry: Omit<TranscriptEntry, 'at'>): void {
    this.#total += 1;
    this.#entries.push({ ...entry, at: this.clock.now() });
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  clear(): void {
    this.#entries.length = 0;
  }

  /** Puts back entries kept elsewhere (a session restored on another node), newest `limit` only. */
  restore(entries: readonly TranscriptEntry[]): void {
    this.#entries.length = 0;
    this.#entries.push(...entries.slice(-this.limit).map((entry) => ({ ...entry })));
    this.#total += this.#entries.length;
  }
}
