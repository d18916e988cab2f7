import { z } from 'zod';

export const logLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
export type LogLevel = z.infer<typeof logLevelSchema>;

/** One redacted log entry, as the admin Logs view receives it. */
export const logEntrySchema = z.object({
  /** Increasing sequence number; use it to ask for what came after. */
  seq: z.number().int(),
  /** ms since the epoch. */
  time: z.number(),
  level: logLevelSchema,
  msg: z.string(),
  /** Other structured fields, already redacted. */
  data: z.record(z.string(), z.unknown()),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

/** Numeric order of levels, for "this level and above" filters. */
export const logLevelRank: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
