import { Writable } from 'node:stream';

import pino from 'pino';

import type { LogEntry } from '../../../shared/types/logs';

import { redact, type SecretRegistry } from './redact';

/** One log entry as kept for the admin Logs view: already redacted (the admin contract's type). */
export type { LogEntry };

const levelNames: Record<number, LogEntry['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Keeps the last `capacity` log entries (default 1,000) and notifies listeners of each new one. */
export class LogRing {
  readonly #entries: LogEntry[] = [];
  readonly #listeners = new Set<(entry: LogEntry) => void>();
  #seq = 0;

  constructor(readonly capacity = 1000) {}

  push(entry: Omit<LogEntry, 'seq'>): void {
    const full = { ...entry, seq: ++this.#seq };
    this.#entries.push(full);
    if (this.#entries.length > this.capacity) this.#entries.shift();
    for (const listener of this.#listeners) listener(full);
  }

  /** Entries after `afterSeq` (all kept ones by default), oldest first. */
  list(afterSeq = 0): LogEntry[] {
    return this.#entries.filter((entry) => entry.seq > afterSeq);
  }

  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Minimum level. Default `info`. */
  level?: LogEntry['level'];
  /** Run-time secrets scrubbed from every line. */
  secrets: SecretRegistry;
  /** Where JSON lines go besides the ring. Default: standard error. `null` = nowhere. */
  destination?: NodeJS.WritableStream | null;
  /** Ring buffer for the admin Logs view. */
  ring?: LogRing;
  /** Write short human lines (`10:21:09 INFO msg key=value`) instead of JSON. Default false. */
  pretty?: boolean;
}

/** One JSON log line as a short human line. */
export function prettyLine(entry: Omit<LogEntry, 'seq'>): string {
  const time = new Date(entry.time).toISOString().slice(11, 19);
  const fields = Object.entries(entry.data)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time} ${entry.level.toUpperCase().padEnd(5)} ${entry.msg}${fields ? `  ${fields}` : ''}\n`;
}

/**
 * A pino logger whose every line is redacted before it is written anywhere: secret-named keys
 * are replaced, registered secrets and credential patterns scrubbed from all strings.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { secrets, ring } = options;
  const destination = options.destination === undefined ? process.stderr : options.destination;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const line = chunk.toString('utf8');
      if (destination && !options.pretty) destination.write(line);
      if (ring || (destination && options.pretty)) {
        try {
          const { level, time, msg, pid: _pid, hostname: _hostname, ...data } = JSON.parse(line) as Record<string, unknown>;
          const entry = {
            time: typeof time === 'number' ? time : Date.now(),
            level: levelNames[Number(level)] ?? 'info',
            msg: typeof msg === 'string' ? msg : '',
            data,
          };
          ring?.push(entry);
          if (destination && options.pretty) destination.write(prettyLine(entry));
        } catch {
          // A line that is not JSON cannot come from pino; ignore it rather than crash logging.
        }
      }
      callback();
    },
  });
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      formatters: {
        log: (object) => redact(object, secrets) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? secrets.scrub(arg) : arg));
          // pino's overloads cannot be expressed for a spread of unknowns.
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    sink,
  );
}
