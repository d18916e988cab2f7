import type { Config } from '../config/config';
import type { Service } from '../lifecycle/services';
import type { Logger } from '../log/logger';

import type { Sandbox } from './sandbox';

/** The embedded Tallyfy sandbox as a service (`--sandbox`); does nothing otherwise. */
export interface SandboxService extends Service {
  /** The running sandbox; undefined before start and when the sandbox is off. */
  current(): Sandbox | undefined;
  /** The Tallyfy API root to use: the sandbox's once started, else `config.tallyfyApiUrl`. */
  tallyfyApiUrl(): string;
}

/**
 * The embedded sandbox on 127.0.0.1 at a free port, seeded from `config.sandboxSeed` (default: the
 * built-in seed). Its code is loaded only when `config.sandbox` is on: most starts never need it.
 */
export function sandboxService(
  config: Pick<Config, 'sandbox' | 'sandboxSeed' | 'tallyfyApiUrl'>,
  logger: Pick<Logger, 'info'>,
): SandboxService {
  let sandbox: Sandbox | undefined;
  return {
    name: 'sandbox',
    async start() {
      if (!config.sandbox) return;
      const { startSandbox } = await import('./sandbox');
      sandbox = await startSandbox({ port: 0, ...(config.sandboxSeed ? { seedFile: config.sandboxSeed } : {}) });
      logger.info({ url: sandbox.url }, 'Tallyfy sandbox started');
    },
    stop: () => sandbox?.close(),
    current: () => sandbox,
    tallyfyApiUrl: () => sandbox?.url ?? config.tallyfyApiUrl,
  };
}
