import type { SpendAmounts, UsageDayRow } from '../../../shared/types/spend';

import type { RedisConnection } from './redisConnection';

/** One priced model call, as the spend ledger adds it (structurally `spend/spendStore.ts`'s `SpendEntry`). */
export type RedisSpendEntry = UsageDayRow;

/** The methods of the spend ledger's store (structurally `SpendStore`). */
export interface RedisSpendStore {
  /** Queues the call and returns at once; it is sent with the next batch (one MULTI). */
  add(entry: RedisSpendEntry): Promise<void>;
  /** Resolves once every call queued so far was sent (or found Redis away). */
  flush(): Promise<void>;
  rows(from: string, to: string): Promise<UsageDayRow[]>;
  markOnce(mark: string): Promise<boolean>;
  hasMark(mark: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Options of {@link redisSpendStore}. */
export interface RedisSpendStoreOptions {
  /** How long a day's totals are kept, days. Default 400 (this month and last year's reports). */
  keepDays?: number;
  /** Told once when Redis fails and once when the pending entries were sent after it came back. */
  warn?: (message: string) => void;
  /**
   * How long a read of the days is reused, ms (this node's own calls are added to it at once; other
   * nodes' count within this time). Default 1,000. 0 reads Redis at every check.
   */
  freshMs?: number;
  /** ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

const amountFields = ['usd', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'calls'] as const;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
/** Longest range `rows` reads, days (a report of more is cut to its newest days). */
const maxRangeDays = 800;

/** Every `YYYY-MM-DD` from `from` to `to` inclusive (UTC arithmetic on the calendar date), newest `maxRangeDays`. */
export function daysBetween(from: string, to: string): string[] {
  if (!dayPattern.test(from) || !dayPattern.test(to) || from > to) return [];
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = end; days.length < maxRangeDays; at -= 86_400_000) {
    const day = new Date(at).toISOString().slice(0, 10);
    if (day < from) break;
    days.push(day);
  }
  return days.reverse();
}

/** Fields of a user's day: `<org>␟<user>␟<what>` (both ids URI-encoded, so the separator never occurs in them). */
const field = (orgId: string, userId: string, what: string): string => `${encodeURIComponent(orgId)}|${encodeURIComponent(userId)}|${what}`;

const emptyAmounts = (): SpendAmounts => ({ usd: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, calls: 0 });

/** A day's hash back into rows; unreadable fields are skipped. */
function rowsOfDay(day: string, hash: Record<string, string>): UsageDayRow[] {
  const rows = new Map<string, UsageDayRow>();
  for (const [name, value] of Object.entries(hash)) {
    const [org, user, what] = name.split('|');
    if (org === undefined || user === undefined || what === undefined) continue;
    let orgId: string;
    let userId: string;
    try {
      orgId = decodeURIComponent(org);
      userId = decodeURIComponent(user);
    } catch {
      continue;
    }
    const key = `${org}|${user}`;
    let row = rows.get(key);
    if (!row) {
      row = { day, orgId, userId, name: '', email: '', ...emptyAmounts() };
      rows.set(key, row);
    }
    if (what === 'name') row.name = value;
    else if (what === 'email') row.email = value;
    else if (what === 'orgName') row.orgName = value;
    else if ((amountFields as readonly string[]).includes(what)) {
      const amount = Number(value);
      if (Number.isFinite(amount) && amount >= 0) row[what as (typeof amountFields)[number]] = amount;
    }
  }
  return [...rows.values()];
}

/** One row per day, org and user (amounts added; the latest name wins). */
function merged(rows: readonly UsageDayRow[]): UsageDayRow[] {
  const out = new Map<string, UsageDayRow>();
  for (const row of rows) {
    const key = `${row.day}\n${row.orgId}\n${row.userId}`;
    const known = out.get(key);
    if (!known) {
      out.set(key, { ...row });
      continue;
    }
    for (const name of amountFields) known[name] += row[name];
    if (row.name) known.name = row.name;
    if (row.email) known.email = row.email;
    if (row.orgName) known.orgName = row.orgName;
  }
  return [...out.values()];
}

/**
 * The spend ledger's store for a cluster: one hash per day (`spend:day:YYYY-MM-DD`), with each
 * user's amounts added atomically by every node (`HINCRBYFLOAT` for dollars, `HINCRBY` for tokens
 * and calls) and the "warned once" marks as `SET NX` keys, so spending limits count the whole
 * cluster. Days expire after `keepDays`. While Redis is away the node keeps counting on its own:
 * entries wait in memory (and count toward this node's checks) and are sent when Redis is back;
 * marks fall back to this node's memory. Holds no secret: names, emails, ids, tokens counted, dollars.
 */
export function redisSpendStore(
  link: RedisConnection | (() => RedisConnection | undefined),
  options: RedisSpendStoreOptions = {},
): RedisSpendStore {
  const connection = (): RedisConnection => {
    const current = typeof link === 'function' ? link() : link;
    if (!current) throw new Error('not connected to the cluster store yet');
    return current;
  };
  const client = () => connection().client;
  const keepSeconds = (options.keepDays ?? 400) * 86_400;
  const dayKey = (day: string): string => connection().key('spend', 'day', day);
  const markKey = (mark: string): string => connection().key('spend', 'mark', mark);
  const freshMs = options.freshMs ?? 1000;
  const now = options.now ?? Date.now;
  /** Calls not in Redis yet (the next batch, or all of them while Redis is away), oldest first. */
  const queue: RedisSpendEntry[] = [];
  /**
   * Every check reads the month (a query asks two or three times): a read is reused for `freshMs`.
   * Commands on the one connection run in order, so a read includes exactly the batches sent before
   * it; calls sent after it (by sequence number) and those still queued are added from memory.
   */
  let sequence = 0;
  const sent: Array<{ sequence: number; at: number; entry: RedisSpendEntry }> = [];
  const reads = new Map<string, { at: number; sequence: number; rows: UsageDayRow[] }>();
  const localMarks = new Set<string>();
  let away = false;
  let flushing: Promise<void> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const trouble = (error: unknown): void => {
    if (away) return;
    away = true;
    options.warn?.(`spend: Redis is unreachable (${(error as Error).message}); counting on this node until it is back`);
  };

  const send = async (entries: readonly RedisSpendEntry[]): Promise<void> => {
    const multi = client().multi();
    for (const entry of entries) {
      const key = dayKey(entry.day);
      const at = (what: string): string => field(entry.orgId, entry.userId, what);
      multi.hincrbyfloat(key, at('usd'), entry.usd);
      for (const name of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'calls'] as const)
        if (entry[name] !== 0) multi.hincrby(key, at(name), entry[name]);
      multi.hset(key, at('name'), entry.name, at('email'), entry.email, ...(entry.orgName ? [at('orgName'), entry.orgName] : []));
      multi.expire(key, keepSeconds);
    }
    const results = await multi.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('the spend write was not applied');
  };

  /**
   * Sends everything queued as one MULTI; calls made meanwhile wait for the next one. On failure the
   * batch goes back to the queue and is tried again a second later (or at the next call).
   */
  const flush = (): Promise<void> => {
    if (flushing) return flushing;
    if (queue.length === 0) return Promise.resolve();
    const batch = queue.splice(0);
    const at = now();
    const items = batch.map((entry) => ({ sequence: ++sequence, at, entry }));
    sent.push(...items);
    // Older calls are in every read still in use.
    while (sent.length > 0 && sent[0]!.at < at - 2 * freshMs - 1000) sent.shift();
    const attempt = (async () => {
      try {
        await send(batch);
        if (away)
          options.warn?.(
            `spend: Redis is back; ${batch.length} call${batch.length === 1 ? '' : 's'} counted meanwhile were added to the cluster's totals`,
          );
        away = false;
      } catch (error) {
        for (const item of items) sent.splice(sent.indexOf(item), 1);
        queue.unshift(...batch);
        trouble(error);
        clearTimeout(retry);
        retry = setTimeout(() => void flush(), 1000);
        retry.unref?.();
      }
    })();
    flushing = attempt.finally(() => {
      flushing = undefined;
      if (queue.length > 0 && !away) void flush();
    });
    return flushing;
  };

  const queuedRows = (from: string, to: string): UsageDayRow[] =>
    queue.filter((entry) => entry.day >= from && entry.day <= to).map((entry) => ({ ...entry }));

  return {
    // Never waits for Redis: the ledger adds from one chain, so a round trip per call would queue every query behind it.
    async add(entry) {
      queue.push({ ...entry });
      void flush();
    },
    flush,
    async rows(from, to) {
      const days = daysBetween(from, to);
      let rows: UsageDayRow[];
      try {
        const range = `${from}|${to}`;
        let read = reads.get(range);
        if (!read || now() - read.at >= freshMs) {
          const multi = client().multi();
          for (const day of days) multi.hgetall(dayKey(day));
          const readSequence = sequence;
          const results = days.length > 0 ? await multi.exec() : [];
          if (!results) throw new Error('the spend read was not applied');
          const fetched: UsageDayRow[] = [];
          results.forEach(([error, hash], index) => {
            if (error) throw error;
            fetched.push(...rowsOfDay(days[index]!, (hash ?? {}) as Record<string, string>));
          });
          read = { at: now(), sequence: readSequence, rows: fetched };
          for (const [key, old] of reads) if (now() - old.at >= freshMs) reads.delete(key);
          reads.set(range, read);
        }
        const since = read.sequence;
        rows = [
          ...read.rows.map((row) => ({ ...row })),
          ...sent
            .filter((item) => item.sequence > since && item.entry.day >= from && item.entry.day <= to)
            .map((item) => ({ ...item.entry })),
        ];
      } catch (error) {
        trouble(error);
        // A batch in flight fails too while Redis is away: wait for it to come back to the queue.
        await flushing;
        rows = [];
      }
      // What waits to be sent counts too (this node's own spend, and all of it while Redis is away).
      rows = merged([...rows, ...queuedRows(from, to)]);
      return rows.sort((a, b) => a.day.localeCompare(b.day) || b.usd - a.usd || a.name.localeCompare(b.name));
    },
    async markOnce(mark) {
      try {
        const set = await client().set(markKey(mark), '1', 'EX', keepSeconds, 'NX');
        return set === 'OK';
      } catch (error) {
        trouble(error);
        if (localMarks.has(mark)) return false;
        localMarks.add(mark);
        return true;
      }
    },
    async hasMark(mark) {
      try {
        return (await client().exists(markKey(mark))) === 1;
      } catch (error) {
        trouble(error);
        return localMarks.has(mark);
      }
    },
    async close() {
      clearTimeout(retry);
      // Redis away at shutdown: what waited is lost to the cluster totals (said when it went away).
      await flush();
    },
  };
}
