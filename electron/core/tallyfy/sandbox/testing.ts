import { afterAll, beforeAll, beforeEach } from 'vitest';

import { startSandbox, type Sandbox, type SandboxOptions } from './server';

/**
 * Test fixture (vitest only; not exported from the sandbox's index): starts a sandbox before the
 * file's tests, closes it after them, and resets it (seed, request log, faults) before each test.
 * Call it at the top level of a test file. The returned `Sandbox` reads through to the running
 * one, so it may be kept in a `const` even though the server starts later; using it outside a
 * test or hook throws.
 */
export function useSandbox(options: SandboxOptions = {}): Sandbox {
  let current: Sandbox | undefined;
  const running = (): Sandbox => {
    if (!current) throw new Error('useSandbox: the sandbox runs only inside tests and hooks (it starts in beforeAll).');
    return current;
  };
  beforeAll(async () => {
    current = await startSandbox(options);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  beforeEach(() => {
    running().reset();
  });
  return {
    get url() {
      return running().url;
    },
    get host() {
      return running().host;
    },
    get port() {
      return running().port;
    },
    get state() {
      return running().state;
    },
    get requestLog() {
      return running().requestLog;
    },
    get faults() {
      return running().faults;
    },
    reset: () => running().reset(),
    close: () => running().close(),
  };
}
