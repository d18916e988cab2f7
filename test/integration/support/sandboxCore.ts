import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '../../../electron/core/config/config';
import { createCore, type Core, type CoreAddresses, type CoreOptions } from '../../../electron/core/createCore';
import type { Sandbox } from '../../../electron/core/tallyfy/sandbox';
import { startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic/fakeAnthropic';

export interface SandboxCore {
  core: Core;
  addresses: CoreAddresses;
  sandbox: Sandbox;
  fake: FakeAnthropic;
  close(): Promise<void>;
}

/**
 * The whole core in-process: `--sandbox`, ephemeral ports, the agent pointed at a fake
 * Anthropic server (scripted by the caller), logs kept in memory.
 */
export async function startSandboxCore(
  args: string[] = [],
  overrides: Omit<CoreOptions, 'config'> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<SandboxCore> {
  const fake = await startFakeAnthropic();
  const { config } = loadConfig(['--sandbox', '--port', '0', '--mcp-port', '0', ...args], {
    GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-core-')),
    ANTHROPIC_API_KEY: 'sk-fake-test',
    ANTHROPIC_BASE_URL: fake.url,
    ...env,
  });
  const core = createCore({ config, logDestination: null, ...overrides });
  const addresses = await core.start();
  return {
    core,
    addresses,
    sandbox: core.sandbox()!,
    fake,
    async close() {
      await core.stop('test over');
      await fake.close();
    },
  };
}
