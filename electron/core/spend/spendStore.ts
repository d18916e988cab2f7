import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { z } from 'zod';

import type { SpendAmounts, UsageDayRow } from '../../../shared/types/spend';

/** One priced usage report (one model call), as the ledger adds it to a user's day. */
export interface SpendEntry extends SpendAmounts {
  day: string;
  orgId: string;
  orgName?: string;
  userId: string;
  name: string;
  email: string;
}

/**
 * Where spend is kept: daily totals per user, plus the "warned once this period" marks. One
 * interface, two stores today (memory; a JSON-lines file in the data dir); a Redis store for
 * cluster mode implements the same methods (`HINCRBYFLOAT` per day and user, `SET NX` for marks),
 * which is why every method may return a promise.
 */
export interface SpendStore {
  /** Adds `entry` to its user's day. */
  add(entry: SpendEntry): Promise<void>;
  /** Every user's day with `from <= day <= to` (`YYYY-MM-DD`, inclusive). */
  rows(from: string, to: string): Promise<UsageDayRow[]>;
  /** Sets `mark` once: true the first time, false when it was already set (the 80% warning). */
  markOnce(mark: string): Promise<boolean>;
  /** True when `mark` is set. */
  hasMark(mark: string): Promise<boolean>;
  /** Writes anything pending and releases the store. */
  close(): Promise<void>;
}

const emptyAmounts = (): SpendAmounts => ({ usd: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, calls: 0 });

/** Adds `amounts` into `total`. */
export function addAmounts(total: SpendAmounts, amounts: SpendAmounts): void {
  total.usd += amounts.usd;
  total.inputTokens += amounts.inputTokens;
  total.outputTokens += amounts.outputTokens;
  total.cacheReadTokens += amounts.cacheReadTokens;
  total.cacheWriteTokens += amounts.cacheWriteTokens;
  total.calls += amounts.calls;
}

/** Daily rows in memory, keyed by day, org and user. */
class DayTable {
  readonly rows = new Map<string, UsageDayRow>();
  readonly marks = new Set<string>();

  add(entry: SpendEntry): void {
    const key = `${entry.day}\n${entry.orgId}\n${entry.userId}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { day: entry.day, orgId: entry.orgId, userId: entry.userId, name: entry.name, email: entry.email, ...emptyAmounts() };
      this.rows.set(key, row);
    }
    // The latest name wins (a teammate may rename themselves in Tallyfy).
    row.name = entry.name;
    row.email = entry.email;
    if (entry.orgName) row.orgName = entry.orgName;
    addAmounts(row, entry);
  }

  between(from: string, to: string): UsageDayRow[] {
    return [...this.rows.values()]
      .filter((row) => row.day >= from && row.day <= to)
      .map((row) => ({ ...row }))
      .sort((a, b) => a.day.localeCompare(b.day) || b.usd - a.usd || a.name.localeCompare(b.name));
  }
}

/** A store in memory only (tests, and a gateway that should forget its spend on restart). */
export function memorySpendStore(): SpendStore {
  const table = new DayTable();
  return {
    add: async (entry) => table.add(entry),
    rows: async (from, to) => table.between(from, to),
    markOnce: async (mark) => {
      if (table.marks.has(mark)) return false;
      table.marks.add(mark);
      return true;
    },
    hasMark: async (mark) => table.marks.has(mark),
    close: async () => undefined,
  };
}

const count = z.number().int().nonnegative().catch(0);
const lineSchema = z.union([
  z.object({
    d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    o: z.string(),
    on: z.string().optional(),
    u: z.string(),
    n: z.string().catch(''),
    e: z.string().catch(''),
    usd: z.number().nonnegative().catch(0),
    i: count,
    out: count,
    cr: count,
    cw: count,
    c: count,
  }),
  z.object({ m: z.string() }),
]);

function toLine(entry: SpendEntry): string {
  return JSON.stringify({
    d: entry.day,
    o: entry.orgId,
    ...(entry.orgName ? { on: entry.orgName } : {}),
    u: entry.userId,
    n: entry.name,
    e: entry.email,
    usd: entry.usd,
    i: entry.inputTokens,
    out: entry.outputTokens,
    cr: entry.cacheReadTokens,
    cw: entry.cacheWriteTokens,
    c: entry.calls,
  });
}

/** Options of {@link fileSpendStore}. */
export interface FileSpendStoreOptions {
  /** Rewrite the file as one line per user and day when it has this many more lines than that. Default 5,000. */
  compactAfterLines?: number;
  /** Told about unreadable lines (skipped) and write failures. */
  warn?: (message: string) => void;
}

/**
 * The single-node store: `<dataDir>/spend.jsonl`, one JSON line per priced model call (appended
 * synchronously, so a crash loses nothing already reported) and one per warning mark. Read
 * once at start and summed into daily rows; compacted to one line per user and day at start when
 * the file has grown past `compactAfterLines` extra lines. Holds no secret: names, emails, ids,
 * token counts and dollars.
 */
export function fileSpendStore(dataDir: string, options: FileSpendStoreOptions = {}): SpendStore & { readonly file: string } {
  const file = join(dataDir, 'spend.jsonl');
  const table = new DayTable();
  const warn = options.warn ?? (() => undefined);
  let lines = 0;
  if (existsSync(file)) {
    let skipped = 0;
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      lines += 1;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        skipped += 1;
        continue;
      }
      const parsed = lineSchema.safeParse(raw);
      if (!parsed.success) {
        skipped += 1;
        continue;
      }
      const line = parsed.data;
      if ('m' in line) table.marks.add(line.m);
      else
        table.add({
          day: line.d,
          orgId: line.o,
          ...(line.on ? { orgName: line.on } : {}),
          userId: line.u,
          name: line.n,
          email: line.e,
          usd: line.usd,
          inputTokens: line.i,
          outputTokens: line.out,
          cacheReadTokens: line.cr,
          cacheWriteTokens: line.cw,
          calls: line.c,
        });
    }
    if (skipped > 0) warn(`${file}: skipped ${skipped} unreadable line${skipped === 1 ? '' : 's'}`);
    if (lines - table.rows.size - table.marks.size > (options.compactAfterLines ?? 5000)) {
      const text = [
        ...[...table.rows.values()].map((row) => toLine(row)),
        ...[...table.marks].map((mark) => JSON.stringify({ m: mark })),
      ].join('\n');
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, text ? `${text}\n` : '', { mode: 0o600 });
      renameSync(temporary, file);
    }
  }
  const append = (line: string): void => {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch (error) {
      // Spend still counts in memory for this run; the admin sees why it may not survive a restart.
      warn(`Cannot save spend to ${file}: ${(error as Error).message}`);
    }
  };
  return {
    file,
    add: async (entry) => {
      table.add(entry);
      append(toLine(entry));
    },
    rows: async (from, to) => table.between(from, to),
    markOnce: async (mark) => {
      if (table.marks.has(mark)) return false;
      table.marks.add(mark);
      append(JSON.stringify({ m: mark }));
      return true;
    },
    hasMark: async (mark) => table.marks.has(mark),
    close: async () => undefined,
  };
}
