import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createStream, type RotatingFileStream } from 'rotating-file-stream';

import { auditEntrySchema, type AuditEntry, type AuditList, type AuditQuery } from '../../../shared/types/audit';
import type { Logger } from '../log/logger';

/** The current file's name; rotated ones are `audit.jsonl.1` (newest) … `audit.jsonl.N`. */
export const auditFileName = 'audit.jsonl';
const rotatedName = /^audit\.jsonl(?:\.(\d+))?$/;

export interface AuditTrailOptions {
  /** The folder the files live in (created if missing), e.g. `<dataDir>/audit`. */
  dir: string;
  /** Rotate when the current file reaches this size, in rotating-file-stream's units. Default `10M` (10 MiB). */
  maxFileSize?: string;
  /** Rotated files kept besides the current one; older ones are deleted. Default 20 (about 200 MiB). */
  keepFiles?: number;
  logger?: Logger;
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * The audit trail: every tool call, appended as one JSON line to `audit.jsonl` in the data dir,
 * rotated by size (rotating-file-stream, classic logrotate naming), and read back newest first
 * with filters for the admin's `audit.list` and the Activity page. Outlives sessions and
 * restarts; entries carry no credential and no conversation text (arguments arrive redacted).
 */
export class AuditTrail {
  readonly dir: string;
  readonly #stream: RotatingFileStream;
  readonly #now: () => number;
  #written: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(private readonly options: AuditTrailOptions) {
    this.dir = options.dir;
    this.#now = options.now ?? Date.now;
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.#stream = createStream(auditFileName, {
      path: options.dir,
      size: options.maxFileSize ?? '10M',
      rotate: options.keepFiles ?? 20,
      mode: 0o600,
    });
    this.#stream.on('error', (error) => options.logger?.error({ err: error }, 'the audit trail could not be written'));
  }

  /** Appends one entry (its id and, when missing, its time are filled in) and returns it. */
  record(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: number }): AuditEntry {
    const full: AuditEntry = { id: randomUUID(), ...entry, at: entry.at ?? this.#now() };
    if (this.#closed) return full;
    const line = `${JSON.stringify(full)}\n`;
    const previous = this.#written;
    this.#written = new Promise<void>((resolve) => {
      this.#stream.write(line, () => resolve());
    }).then(() => previous);
    return full;
  }

  /** Entries matching `query`, newest first, at most `limit` (default 500). */
  async list(query: AuditQuery = {}): Promise<AuditList> {
    await this.#written;
    const limit = query.limit ?? 500;
    const files = (await readdir(this.dir).catch(() => [] as string[]))
      .map((name) => ({ name, index: Number(rotatedName.exec(name)?.[1] ?? (rotatedName.test(name) ? 0 : -1)) }))
      .filter((file) => file.index >= 0)
      .sort((a, b) => a.index - b.index);
    const matches = auditFilter(query);
    const entries: AuditEntry[] = [];
    for (const file of files) {
      const text = await readFile(join(this.dir, file.name), 'utf8').catch(() => '');
      const lines = text.split('\n');
      for (let index = lines.length - 1; index >= 0; index -= 1) {
        const line = lines[index]!;
        if (!line) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        const entry = auditEntrySchema.safeParse(parsed);
        if (!entry.success || !matches(entry.data)) continue;
        if (entries.length === limit) return { entries, truncated: true };
        entries.push(entry.data);
      }
    }
    return { entries, truncated: false };
  }

  /** Writes what is pending and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#written;
    await new Promise<void>((resolve) => this.#stream.end(() => resolve()));
  }
}

const contains = (haystack: string | undefined, needle: string): boolean => (haystack ?? '').toLowerCase().includes(needle.toLowerCase());

/** The predicate for `query` (every given filter must match). */
export function auditFilter(query: AuditQuery): (entry: AuditEntry) => boolean {
  return (entry) =>
    (!query.user || contains(entry.user.name, query.user) || contains(entry.user.email, query.user)) &&
    (!query.org || entry.org.id === query.org || contains(entry.org.name, query.org)) &&
    (!query.tool || contains(entry.tool, query.tool) || contains(entry.title, query.tool)) &&
    (!query.sessionId || entry.session.id === query.sessionId) &&
    (!query.status || entry.status === query.status) &&
    (!query.approval || entry.approval === query.approval) &&
    (query.since === undefined || entry.at >= query.since) &&
    (query.until === undefined || entry.at < query.until);
}
