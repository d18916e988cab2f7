import type { Config } from '../config/config';

import { createLogger, LogRing, type Logger } from './logger';
import { SecretRegistry } from './redact';

/** The core's logging: one secret registry, the admin's log ring and the logger writing to both. */
export interface CoreLogging {
  /** Every secret the core knows; scrubbed from logs and from every session's output. */
  secrets: SecretRegistry;
  /** The newest log lines, for the admin's Logs page. */
  logs: LogRing;
  logger: Logger;
}

/**
 * Builds the core's logging and registers the configured keys and access code as server-wide
 * secrets (the admin token is registered by the admin, which settles it). `destination`: where
 * JSON lines go besides the ring (default standard error; `null` = nowhere). `pretty`: short human
 * lines instead of JSON (default false). Level `debug` with `--debug`, else `info`.
 */
export function createCoreLogging(
  config: Pick<Config, 'debug' | 'anthropicApiKey' | 'tallyfyApiKey' | 'accessCode'>,
  options: { destination?: NodeJS.WritableStream | null; pretty?: boolean } = {},
): CoreLogging {
  const secrets = new SecretRegistry();
  for (const secret of [config.anthropicApiKey, config.tallyfyApiKey, config.accessCode]) secrets.addServerWide(secret);
  const logs = new LogRing();
  const logger = createLogger({
    level: config.debug ? 'debug' : 'info',
    secrets,
    ring: logs,
    ...(options.destination !== undefined ? { destination: options.destination } : {}),
    pretty: options.pretty ?? false,
  });
  return { secrets, logs, logger };
}
