import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { loadConfig } from '../../../electron/core/config/config';
import { composeCore, type Core, type CoreAddresses, type CoreParts } from '../../../electron/core/createCore';
import { createInProcessToolHost } from '../../../electron/core/mcp/transports/inProcessToolHost';
import type { ToolHostFactory } from '../../../electron/core/sessions/engine';
import { createTallyfyClient, type TallyfyClientOptions } from '../../../electron/core/tallyfy';
import type { Sandbox, SandboxSeed } from '../../../electron/core/tallyfy/sandbox';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '../../fakes/anthropic/fakeAnthropic';

/** The product as `serve --sandbox` composes it, in this process, with the fake Anthropic server. */
export interface Stack {
  core: Core;
  /** The parts behind the core that only tests read: secrets, the log ring, the gateway server (local chat, suspend, resume), the agent, settings, spend. */
  parts: CoreParts;
  /** What `core.start()` returned (gateway, WebSocket, MCP and sandbox URLs). */
  addresses: CoreAddresses;
  fake: FakeAnthropic;
  sandbox: Sandbox;
  /** `ws://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT` */
  httpUrl: string;
  dataDir: string;
  /** The Anthropic key the core was given (a secret too). */
  anthropicKey: string;
  /** Every JSON log line the core wrote. */
  logLines: string[];
  /** Every file under the data dir (settings, secrets), with its contents. */
  dataFiles(): Array<{ path: string; text: string }>;
  /** Stops the core and the fake; keeps the data dir for inspection. */
  stop(): Promise<void>;
  /** {@link stop}, then deletes the data dir. */
  close(): Promise<void>;
}

/**
 * Starts the core (createCore's composition, with its parts) on 127.0.0.1 (ephemeral ports) in sandbox mode, pointed at a fresh fake
 * Anthropic server, logging into memory, with a fresh data dir. `seed` replaces the sandbox seed;
 * `flags` are extra serve flags; `env` is the whole environment config sees besides the Anthropic
 * key and URL (the process's own is not read). Shared by the integration and hardening tests.
 */
export async function startStack(
  options: {
    seed?: SandboxSeed;
    flags?: string[];
    fake?: FakeAnthropicOptions;
    env?: NodeJS.ProcessEnv;
    /** Reuse this data dir (a restart of an earlier stack) instead of a fresh one. */
    dataDir?: string;
    /** Overrides for the sessions' Tallyfy clients (e.g. short timeouts); the product's tool hosts otherwise. */
    tallyfyClient?: Partial<Pick<TallyfyClientOptions, 'timeoutMs' | 'maxRetries' | 'retryBaseDelayMs' | 'maxRetryAfterMs'>>;
  } = {},
): Promise<Stack> {
  const fake = await startFakeAnthropic(options.fake);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gateway-hardening-'));
  const flags = ['--sandbox', '--port', '0', '--mcp-port', '0', '--data-dir', dataDir];
  if (options.seed) {
    const seedFile = join(dataDir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(options.seed));
    flags.push('--sandbox-seed', seedFile);
  }
  const anthropicKey = `sk-ant-hardening-${Math.random().toString(36).slice(2)}`;
  const { config } = loadConfig([...flags, ...(options.flags ?? [])], { ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: fake.url, ...options.env });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  let sandboxUrl = '';
  const toolHostFactory: ToolHostFactory | undefined = options.tallyfyClient
    ? (credentials) =>
        createInProcessToolHost(
          createTallyfyClient({ baseUrl: sandboxUrl, token: credentials.apiKey, orgId: credentials.orgId, secrets: parts.secrets, ...options.tallyfyClient }),
          { secrets: parts.secrets, logger: core.logger },
        )
    : undefined;
  const { core, parts } = composeCore({ config, logDestination: destination, ...(toolHostFactory ? { toolHostFactory } : {}) });
  const addresses = await core.start();
  const sandbox = parts.sandbox();
  if (!sandbox) throw new Error('the core did not start its sandbox');
  sandboxUrl = sandbox.url;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await core.stop('test done');
      await fake.close();
    })());
  return {
    core,
    parts,
    addresses,
    fake,
    sandbox,
    url: addresses.wsUrl,
    httpUrl: addresses.gatewayUrl,
    dataDir,
    anthropicKey,
    logLines,
    dataFiles() {
      const out: Array<{ path: string; text: string }> = [];
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else out.push({ path, text: readFileSync(path, 'utf8') });
        }
      };
      walk(dataDir);
      return out;
    },
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
