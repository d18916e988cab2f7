import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { z } from 'zod';

import { defaultModel } from '../../../shared/types/models';

/**
 * The core's configuration. Every value comes, in order of precedence, from a command-line flag,
 * an environment variable, the settings file (`<dataDir>/settings.json`) or the default below.
 */
/** A number option with its rule said in words, whatever the mistake (not a number, a fraction, out of range). */
function numberOption(rule: string, bounds: { min: number; max: number; whole?: boolean; above?: boolean }) {
  const base = z.coerce.number({ error: rule }).refine(Number.isFinite, { error: rule });
  return base.refine((value) => (bounds.above ? value > bounds.min : value >= bounds.min) && value <= bounds.max && (!bounds.whole || Number.isInteger(value)), {
    error: rule,
  });
}
const portRule = 'must be a whole number from 0 to 65535 (0 picks a free port)';

export const configSchema = z.object({
  /** Interface the gateway binds to. Default `127.0.0.1` (this machine only); `0.0.0.0` exposes it to the LAN. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Gateway port: WebSocket, web chat at `/`, admin at `/admin`, health at `/healthz`. Default 9001; 0 picks a free port. */
  port: numberOption(portRule, { min: 0, max: 65535, whole: true }).default(9001),
  /** MCP Streamable HTTP port, always bound to 127.0.0.1. Default 9000; 0 picks a free port. */
  mcpPort: numberOption(portRule, { min: 0, max: 65535, whole: true }).default(9000),
  /** Run on the embedded Tallyfy sandbox instead of the real API. Default false. */
  sandbox: z.boolean().default(false),
  /** JSON seed file for the sandbox (docs/sandbox-seed.md). Default: the built-in seed. */
  sandboxSeed: z.string().min(1).optional(),
  /** Minutes a session may stay idle before it is closed. Default 60. */
  idleTimeoutMinutes: numberOption('must be a number of minutes above 0 and at most 1440 (a day)', { min: 0, max: 24 * 60, above: true }).default(60),
  /** Access code teammates must give when the gateway is bound beyond loopback. */
  accessCode: z.string().min(4).max(128).optional(),
  /** Token for the browser admin view at `/admin`. Generated and kept in the settings when absent. */
  adminToken: z.string().min(16).max(256).optional(),
  /** Verbose logging. Default false. */
  debug: z.boolean().default(false),
  /** Advertise the gateway on the LAN over mDNS while it is exposed. Default true; `--no-mdns` turns it off. */
  mdns: z.boolean().default(true),
  /** Folder for settings and secrets. Default `~/.config/tallyfy-mcp-gateway` (env `GATEWAY_DATA_DIR`). */
  dataDir: z.string().min(1),
  /** Anthropic API key (env `ANTHROPIC_API_KEY`). Without it the gateway runs in direct tool mode. */
  anthropicApiKey: z.string().min(1).optional(),
  /** Anthropic API base URL (env `ANTHROPIC_BASE_URL`). Default: the SDK's. */
  anthropicBaseUrl: z.url().optional(),
  /** Claude model (env `ANTHROPIC_MODEL`). */
  anthropicModel: z.string().min(1).default(defaultModel),
  /** Tallyfy REST API base URL (env `TALLYFY_API_URL`). Default `https://api.tallyfy.com`. */
  tallyfyApiUrl: z.url().default('https://api.tallyfy.com'),
  /** The desk user's own Tallyfy token (env `TALLYFY_API_KEY`), for the local chat and stdio. Never lent to LAN sessions. */
  tallyfyApiKey: z.string().min(1).optional(),
  /** The desk user's Tallyfy org id (env `TALLYFY_ORG_ID`). */
  tallyfyOrgId: z.string().min(1).optional(),
  /** Use this external MCP server instead of the embedded one (env `MCP_SERVER_URL`). */
  mcpServerUrl: z.url().optional(),
  /**
   * HTTPS + WSS on the gateway port (`--tls` / `--no-tls`, env `GATEWAY_TLS`). Default (absent): on
   * when `host` is not loopback or a certificate is given; see `tlsEnabled`.
   */
  tls: z.boolean().optional(),
  /** PEM certificate file of the user's own (env `GATEWAY_TLS_CERT`); needs `tlsKey`. Default: a self-signed one kept in the data dir. */
  tlsCert: z.string().min(1).optional(),
  /** PEM private key file for `tlsCert` (env `GATEWAY_TLS_KEY`). */
  tlsKey: z.string().min(1).optional(),
  /**
   * How the agent offers tools to Claude (env `GATEWAY_TOOL_LOADING`): `deferred` (default: a small
   * core set eager, the rest behind Anthropic's tool search) or `all` (every tool eager, for models
   * or platforms without tool search). See docs/agent.md.
   */
  toolLoading: z.enum(['deferred', 'all']).default('deferred'),
  /**
   * Offer `tallyfy_api_read` / `tallyfy_api_write` (raw REST on the paths the Tallyfy client knows;
   * writes always ask) to the agent and to MCP callers (env `GATEWAY_API_FALLBACK`, settings key
   * `apiFallback`). Default false. Read at start: a change needs a restart. See docs/mcp.md.
   */
  apiFallback: z.boolean().default(false),
  /** Each teammate's spending limit per local day, US dollars (`--user-daily-usd`). Default: the saved `spendLimits`, else none. */
  perUserDailyUsd: z.coerce.number().min(0).max(1_000_000).optional(),
  /** Each teammate's spending limit per local month, US dollars (`--user-monthly-usd`). Default: the saved `spendLimits`, else none. */
  perUserMonthlyUsd: z.coerce.number().min(0).max(1_000_000).optional(),
  /** Everyone's spending limit per local month, US dollars (`--gateway-monthly-usd`). Default: the saved `spendLimits`, else none. */
  gatewayMonthlyUsd: z.coerce.number().min(0).max(1_000_000).optional(),
  /**
   * Redis for cluster mode (`--redis`, env `GATEWAY_REDIS_URL`): `redis://` or `rediss://` (TLS), AUTH in the
   * URL (`redis://:password@host:6379/0`). Absent: a single node keeping everything in memory. See docs/scale-out.md.
   */
  redisUrl: z
    .url({ error: 'must be a redis:// or rediss:// URL, e.g. redis://:password@10.0.0.5:6379/0' })
    .refine((value) => /^rediss?:\/\//i.test(value), { error: 'must be a redis:// or rediss:// URL, e.g. redis://:password@10.0.0.5:6379/0' })
    .optional(),
  /** This node's name in the cluster (`--node-id`, env `GATEWAY_NODE_ID`). Default: host name + `:` + gateway port. */
  nodeId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'must be 1–64 letters, digits, dots, dashes, underscores or colons' })
    .optional(),
  /** Prefix of every cluster key in Redis (`--redis-prefix`), so two clusters can share one Redis. Default `tallyfy-gw:`. */
  redisPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._:{}-]{1,64}$/, { error: 'must be 1–64 letters, digits or . _ : { } -' })
    .default('tallyfy-gw:'),
});

export type Config = z.infer<typeof configSchema>;
type ConfigInput = z.input<typeof configSchema>;

/** Thrown for a flag, variable or settings value that does not parse; `message` is one line for the user. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const flagOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  'mcp-port': { type: 'string' },
  sandbox: { type: 'boolean' },
  'sandbox-seed': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'access-code': { type: 'string' },
  'admin-token': { type: 'string' },
  'access-code-file': { type: 'string' },
  'admin-token-file': { type: 'string' },
  debug: { type: 'boolean' },
  'no-mdns': { type: 'boolean' },
  'data-dir': { type: 'string' },
  tls: { type: 'boolean' },
  'no-tls': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'user-daily-usd': { type: 'string' },
  'user-monthly-usd': { type: 'string' },
  'gateway-monthly-usd': { type: 'string' },
  redis: { type: 'string' },
  'node-id': { type: 'string' },
  'redis-prefix': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Maps each config key to the flag and environment variable that set it. */
const sources: Partial<Record<keyof Config, { flag?: keyof typeof flagOptions; env?: string }>> = {
  host: { flag: 'host', env: 'GATEWAY_HOST' },
  port: { flag: 'port', env: 'GATEWAY_PORT' },
  mcpPort: { flag: 'mcp-port', env: 'GATEWAY_MCP_PORT' },
  sandbox: { flag: 'sandbox', env: 'GATEWAY_SANDBOX' },
  sandboxSeed: { flag: 'sandbox-seed', env: 'GATEWAY_SANDBOX_SEED' },
  idleTimeoutMinutes: { flag: 'idle-timeout', env: 'GATEWAY_IDLE_TIMEOUT' },
  accessCode: { flag: 'access-code', env: 'GATEWAY_ACCESS_CODE' },
  adminToken: { flag: 'admin-token', env: 'GATEWAY_ADMIN_TOKEN' },
  debug: { flag: 'debug', env: 'GATEWAY_DEBUG' },
  mdns: { env: 'GATEWAY_MDNS' },
  dataDir: { flag: 'data-dir', env: 'GATEWAY_DATA_DIR' },
  anthropicApiKey: { env: 'ANTHROPIC_API_KEY' },
  anthropicBaseUrl: { env: 'ANTHROPIC_BASE_URL' },
  anthropicModel: { env: 'ANTHROPIC_MODEL' },
  tallyfyApiUrl: { env: 'TALLYFY_API_URL' },
  tallyfyApiKey: { env: 'TALLYFY_API_KEY' },
  tallyfyOrgId: { env: 'TALLYFY_ORG_ID' },
  mcpServerUrl: { env: 'MCP_SERVER_URL' },
  tls: { flag: 'tls', env: 'GATEWAY_TLS' },
  tlsCert: { flag: 'tls-cert', env: 'GATEWAY_TLS_CERT' },
  tlsKey: { flag: 'tls-key', env: 'GATEWAY_TLS_KEY' },
  toolLoading: { env: 'GATEWAY_TOOL_LOADING' },
  apiFallback: { env: 'GATEWAY_API_FALLBACK' },
  perUserDailyUsd: { flag: 'user-daily-usd', env: 'GATEWAY_USER_DAILY_USD' },
  perUserMonthlyUsd: { flag: 'user-monthly-usd', env: 'GATEWAY_USER_MONTHLY_USD' },
  gatewayMonthlyUsd: { flag: 'gateway-monthly-usd', env: 'GATEWAY_GATEWAY_MONTHLY_USD' },
  redisUrl: { flag: 'redis', env: 'GATEWAY_REDIS_URL' },
  nodeId: { flag: 'node-id', env: 'GATEWAY_NODE_ID' },
  redisPrefix: { flag: 'redis-prefix', env: 'GATEWAY_REDIS_PREFIX' },
};

const booleanKeys = new Set<keyof Config>(['sandbox', 'debug', 'mdns', 'tls', 'apiFallback']);

/**
 * Secrets that may be read from a file instead (first line, surrounding spaces trimmed), so they
 * never appear in the process list (`/proc/PID/cmdline`) or the environment of child processes.
 */
const fileSources: Partial<Record<keyof Config, { flag: keyof typeof flagOptions; env: string }>> = {
  accessCode: { flag: 'access-code-file', env: 'GATEWAY_ACCESS_CODE_FILE' },
  adminToken: { flag: 'admin-token-file', env: 'GATEWAY_ADMIN_TOKEN_FILE' },
};

/** Reads one secret file: its first line, trimmed; a one-line error when it cannot. */
function readSecretFile(what: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${what}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const value = (text.split(/\r?\n/)[0] ?? '').trim();
  if (!value) throw new ConfigError(`${what}: ${path} is empty`);
  return value;
}

/**
 * The config keys a flag in `argv` or a non-empty environment variable sets: the settings file
 * cannot change those while the process runs.
 */
export function overriddenKeys(argv: readonly string[], env: NodeJS.ProcessEnv): (keyof Config)[] {
  return (Object.entries(sources) as [keyof Config, { flag?: string; env?: string }][])
    .filter(
      ([key, source]) =>
        [source, fileSources[key]].some(
          (from) =>
            from !== undefined &&
            ((from.env !== undefined && (env[from.env] ?? '') !== '') ||
              (from.flag !== undefined && argv.some((arg) => arg === `--${from.flag}` || arg.startsWith(`--${from.flag}=`)))),
        ) ||
        (key === 'tls' && argv.includes('--no-tls')),
    )
    .map(([key]) => key);
}

/** Usage text for `serve --help`. */
export const usage = `Usage: npm run serve -- [options]

  --host HOST            interface to bind the gateway to (default 127.0.0.1; 0.0.0.0 = LAN)
  --port N               gateway port: WebSocket, web chat /, admin /admin, /healthz (default 9001)
  --mcp-port N           MCP Streamable HTTP port on 127.0.0.1, path /mcp (default 9000)
  --sandbox              use the embedded Tallyfy sandbox (offline demo)
  --sandbox-seed FILE    JSON seed for the sandbox (see docs/sandbox-seed.md)
  --idle-timeout MIN     close sessions idle this many minutes (default 60)
  --access-code CODE     code teammates must enter when the gateway is on the LAN
                         (visible to every local user in the process list: prefer --access-code-file)
  --access-code-file F   read the access code from file F (first line)
  --admin-token TOKEN    token for the browser admin view (default: generated and kept)
                         (visible to every local user in the process list: prefer --admin-token-file)
  --admin-token-file F   read the admin token from file F (first line)
  --data-dir DIR         settings folder (default ~/.config/tallyfy-mcp-gateway)
  --no-mdns              do not advertise the gateway on the LAN over mDNS
  --tls                  HTTPS + WSS on the gateway port (default: on when --host is not loopback),
                         with a self-signed certificate generated once and kept in the data dir
  --no-tls               plain HTTP/WS even on the LAN: keys and codes then cross the network in clear
  --tls-cert FILE        your own PEM certificate (chain after it) instead of the self-signed one
  --tls-key FILE         the PEM private key of --tls-cert
  --user-daily-usd N     each teammate's spending limit per day, US dollars (default: none)
  --user-monthly-usd N   each teammate's spending limit per month, US dollars (default: none)
  --gateway-monthly-usd N  everyone's spending limit per month, US dollars (default: none)
  --redis URL            cluster mode: share sessions, limits and conversations with the other
                         nodes on this Redis (redis:// or rediss://, AUTH in the URL; docs/scale-out.md)
  --node-id NAME         this node's name in the cluster (default: host name:port)
  --redis-prefix P       prefix of the cluster's Redis keys (default tallyfy-gw:)
  --debug                verbose logs
  -h, --help             this text

Environment: GATEWAY_HOST, GATEWAY_PORT, GATEWAY_MCP_PORT, GATEWAY_SANDBOX, GATEWAY_IDLE_TIMEOUT,
GATEWAY_SANDBOX_SEED, GATEWAY_ACCESS_CODE, GATEWAY_ACCESS_CODE_FILE, GATEWAY_ADMIN_TOKEN, GATEWAY_ADMIN_TOKEN_FILE, GATEWAY_DATA_DIR, GATEWAY_DEBUG, GATEWAY_MDNS, GATEWAY_LOG_FORMAT,
GATEWAY_TLS, GATEWAY_TLS_CERT, GATEWAY_TLS_KEY, GATEWAY_USER_DAILY_USD, GATEWAY_USER_MONTHLY_USD, GATEWAY_GATEWAY_MONTHLY_USD,
GATEWAY_REDIS_URL, GATEWAY_NODE_ID, GATEWAY_REDIS_PREFIX,
ANTHROPIC_API_KEY,
ANTHROPIC_BASE_URL, ANTHROPIC_MODEL, TALLYFY_API_URL, TALLYFY_API_KEY, TALLYFY_ORG_ID, MCP_SERVER_URL,
GATEWAY_TOOL_LOADING (deferred = core tools eager, the rest behind Claude's tool search; all = every tool eager),
GATEWAY_API_FALLBACK (1 = offer tallyfy_api_read / tallyfy_api_write, raw REST on known paths, writes always
ask; default off; settings.json key "apiFallback": true does the same, the environment wins).`;

/** The default settings folder, `GATEWAY_DATA_DIR` or `~/.config/tallyfy-mcp-gateway`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.GATEWAY_DATA_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'tallyfy-mcp-gateway'));
}

function parseBoolean(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off|)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = String(issue.path[0] ?? '');
  const source = sources[key as keyof Config];
  const where = [source?.flag ? `--${source.flag}` : undefined, source?.env].filter(Boolean).join(' / ');
  return `${where || key}: ${issue.message}`;
}

/** Reads the settings file as a partial config; a missing file is an empty one. */
export function readSettingsFile(dataDir: string): Partial<ConfigInput> {
  const file = join(dataDir, 'settings.json');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
  const parsed = configSchema.partial().loose().safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${file}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  }
  return parsed.data;
}

export interface LoadedConfig {
  config: Config;
  help: boolean;
}

/**
 * Builds the config from flags > environment > settings file > defaults.
 * Throws {@link ConfigError} with a one-line message on any bad value.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options: flagOptions, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const merged: Record<string, unknown> = {};
  const fromEnvAndFlags: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(sources) as [keyof Config, { flag?: string; env?: string }][]) {
    const envValue = source.env ? env[source.env] : undefined;
    if (envValue !== undefined && envValue !== '') {
      fromEnvAndFlags[key] = booleanKeys.has(key) ? parseBoolean(source.env!, envValue) : envValue;
    }
    const flagValue = source.flag ? flags[source.flag] : undefined;
    if (flagValue !== undefined) fromEnvAndFlags[key] = flagValue;
  }
  if (flags['no-mdns'] === true) fromEnvAndFlags.mdns = false;
  if (flags['no-tls'] === true) {
    if (flags.tls === true) throw new ConfigError('--tls and --no-tls contradict each other; give one');
    fromEnvAndFlags.tls = false;
  }
  for (const [key, from] of Object.entries(fileSources) as [keyof Config, { flag: string; env: string }][]) {
    const flagPath = flags[from.flag];
    const path = typeof flagPath === 'string' ? flagPath : env[from.env] || undefined;
    if (path === undefined) continue;
    const plain = sources[key];
    const plainGiven =
      (plain?.flag !== undefined && flags[plain.flag] !== undefined) || (plain?.env !== undefined && (env[plain.env] ?? '') !== '');
    if (plainGiven) throw new ConfigError(`give either --${plain?.flag} / ${plain?.env} or --${from.flag} / ${from.env}, not both`);
    fromEnvAndFlags[key] = readSecretFile(`--${from.flag} / ${from.env}`, path);
  }
  const dataDir = resolve(String(fromEnvAndFlags.dataDir ?? defaultDataDir(env)));
  Object.assign(merged, readSettingsFile(dataDir), fromEnvAndFlags, { dataDir });
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map(describeIssue).join('; '));
  }
  checkTlsOptions(parsed.data);
  return { config: parsed.data, help: flags.help === true };
}

/** A certificate needs its key (and the other way round), and cannot be given with TLS turned off. */
function checkTlsOptions(config: Config): void {
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError(
      config.tlsCert ? '--tls-cert needs --tls-key (GATEWAY_TLS_KEY) too' : '--tls-key needs --tls-cert (GATEWAY_TLS_CERT) too',
    );
  }
  if (config.tlsCert !== undefined && config.tls === false)
    throw new ConfigError('--tls-cert was given with --no-tls (GATEWAY_TLS=0); drop one of them');
}
