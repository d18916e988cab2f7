import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Health } from '../../shared/types/health';
import type { GatewayTls, LocalChatConnection } from '../../shared/types/network';

import { createCoreAdmin, type CoreAdmin } from './admin/coreAdmin';
import { createAgent, parseDirectCommand, type Agent } from './agent';
import { AuditTrail } from './audit/auditTrail';
import type { Config } from './config/config';
import { createLiveConfig } from './config/liveConfig';
import { coreHealth } from './coreHealth';
import { startGatewayHttp, type GatewayHttp } from './gateway/httpServer';
import { LocalTokens } from './gateway/signInPolicy';
import { isLoopbackBinding } from './gateway/upgradeGuard';
import { createWsGateway, type WsGateway } from './gateway/wsGateway';
import { createLogger, LogRing, type LogEntry, type Logger } from './log/logger';
import { SecretRegistry } from './log/redact';
import { startMcpHttp, type McpHttp } from './mcp/httpServer';
import { createRemoteToolHost } from './mcp/remoteToolHost';
import { createHttpFetch } from './net/httpFetch';
import { urlHost } from './net/listen';
import { createAgentEngine } from './sessions/agentEngine';
import type { Authenticator, ToolHostFactory } from './sessions/engine';
import { SessionRegistry } from './sessions/registry';
import { createTallyfyAuthenticator, createTallyfyToolHostFactory } from './sessions/tallyfyServices';
import { createSpendGate } from './spend/spendGate';
import { SpendLedger } from './spend/spendLedger';
import { fileSpendStore } from './spend/spendStore';
import { disabledToolMessage, effectiveToolPolicy } from './spend/toolPolicy';
import { effectiveConfig, openSettings } from './store/openSettings';
import type { SettingsService } from './store/settingsService';
import type { Sandbox } from './tallyfy/sandbox';
import { ensureSelfSignedCertificate, loadOwnCertificate, type TlsMaterial } from './tls/certificate';
import { cleartextOnLan, tlsEnabled } from './tls/policy';

/** What the core needs from its host (the Electron shell or the headless entry). */
export interface CoreOptions {
  config: Config;
  /** Where JSON log lines go besides the admin ring. Default standard error; `null` = nowhere. */
  logDestination?: NodeJS.WritableStream | null;
  /** Write short human log lines instead of JSON (serve does when standard error is a terminal). Default false. */
  logPretty?: boolean;
  /** Extra browser origins allowed to open gateway sockets (e.g. the desktop window's). */
  allowedOrigins?: readonly string[];
  /** The admin's settings and secrets (electron-store + safeStorage in the app). Default: files under `config.dataDir`. */
  settings?: SettingsService;
  /** Test seam: builds the sessions' tool hosts. Default: the embedded MCP server (or `MCP_SERVER_URL`). */
  toolHostFactory?: ToolHostFactory;
}

/** Where the running core can be reached. */
export interface CoreAddresses {
  gatewayUrl: string;
  wsUrl: string;
  adminUrl: string;
  mcpUrl?: string;
  sandboxUrl?: string;
  /** The access code teammates need (set when the gateway is bound beyond loopback). */
  accessCode?: string;
  /** The certificate when the gateway port speaks HTTPS/WSS (`gatewayUrl` is then `https://`). */
  tls?: GatewayTls & { certFile: string };
  /** True when the gateway is on the LAN without TLS: keys and codes cross the network in clear. */
  cleartextOnLan?: boolean;
}

/** The composed server: start it, read its health, stop it. Free of any `electron` import. */
export interface Core {
  /** The configuration now (a frozen snapshot; the admin's live settings replace it). */
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  readonly secrets: SecretRegistry;
  readonly logs: LogRing;
  /** Every live session: the admin view's source (list, kick, subscribe, stats). */
  readonly sessions: SessionRegistry;
  readonly agent: Agent;
  /** The admin's settings (saved values, masked secrets, the admin token). */
  readonly settings: SettingsService;
  /** The admin contract's handlers and events, and its browser transport (mounted at `/admin/api`, `/admin/events`). */
  readonly admin: CoreAdmin;
  /** Spend per user and day (kept in the data dir) and the spending limits' checks. */
  readonly spend: SpendLedger;
  start(): Promise<CoreAddresses>;
  /** Stops every service; safe to call twice. `reason` is told to connected clients (closed with 1001). */
  stop(reason?: string): Promise<void>;
  health(): Health;
  addresses(): CoreAddresses | undefined;
  /** The embedded sandbox in `--sandbox` mode (tests read its request log). */
  sandbox(): Sandbox | undefined;
  /** Stops accepting teammates (ends their sessions, keeps the desk user's); see {@link resumeGateway}. */
  suspendGateway(reason: string): void;
  resumeGateway(): void;
  /** True while teammates can connect. */
  gatewayAccepting(): boolean;
  /** How the desktop chat pane reaches the desk user's own session: a loopback URL and a one-time `auth_local` token. */
  localChat(): LocalChatConnection;
}

/** The browser build next to this checkout (`out/web`) or the packaged app (`../web`). */
export function defaultWebRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../out/web'), resolve(here, '../web'), resolve(process.cwd(), 'out/web')];
  return candidates.find((candidate) => existsSync(join(candidate, 'chat.html'))) ?? candidates[0]!;
}

/** One part of the running core, started in order and stopped in reverse. */
interface Service {
  name: string;
  start(): Promise<void> | void;
  stop(reason: string): Promise<void> | void;
}

/**
 * The composition root: builds every part from the config, then starts them in order (audit
 * trail, spend ledger, TLS certificate, sandbox, MCP endpoint, gateway HTTP, WebSocket gateway,
 * session reaper, admin) and stops them in reverse. Building starts no timer and opens no port.
 */
export function createCore(options: CoreOptions): Core {
  const settings = options.settings ?? openSettings(options.config);
  const exposed = !isLoopbackBinding(options.config.host);
  // Exposed without a code, effectiveConfig generates (and saves) one.
  const live = createLiveConfig(effectiveConfig(options.config, settings, exposed));
  const config = live.current;
  const accessCode = exposed ? config.accessCode : undefined;
  const secrets = new SecretRegistry();
  // The admin token is registered by createCoreAdmin, which settles it.
  // Server-wide: scrubbed from logs and from every session's output (with a content-independent hold-back).
  for (const secret of [config.anthropicApiKey, config.tallyfyApiKey, config.accessCode]) secrets.addServerWide(secret);
  const logs = new LogRing();
  const logger = createLogger({
    level: config.debug ? 'debug' : 'info',
    secrets,
    ring: logs,
    ...(options.logDestination !== undefined ? { destination: options.logDestination } : {}),
    pretty: options.logPretty ?? false,
  });
  const httpFetch = createHttpFetch();
  const agent = createAgent({
    logger,
    model: config.anthropicModel,
    approvalPolicy: settings.current.approvalPolicy,
    toolLoading: config.toolLoading,
    fetch: httpFetch,
    ...(config.anthropicApiKey ? { apiKey: config.anthropicApiKey } : {}),
    ...(config.anthropicBaseUrl ? { baseURL: config.anthropicBaseUrl } : {}),
  });
  // The Tallyfy URL is the sandbox's in --sandbox mode, known only after start.
  let tallyfyApiUrl = config.tallyfyApiUrl;
  // The lean fetch for Tallyfy too: undici's fetch costs ~0.15 ms of CPU per request more (docs/performance.md).
  const services = (): { baseUrl: string; secrets: SecretRegistry; logger: Logger; fetch: typeof fetch } => ({
    baseUrl: tallyfyApiUrl,
    secrets,
    logger,
    fetch: httpFetch,
  });
  // One authenticator per Tallyfy URL, so its per-org cache of org names serves every sign-in (issue 18 §2).
  let signInCheck: { url: string; check: Authenticator } | undefined;
  const authenticate: Authenticator = (credentials, signal) => {
    if (signInCheck?.url !== tallyfyApiUrl) signInCheck = { url: tallyfyApiUrl, check: createTallyfyAuthenticator(services()) };
    return signInCheck.check(credentials, signal);
  };
  const externalMcp = config.mcpServerUrl;
  const toolHostFactory: ToolHostFactory =
    options.toolHostFactory ??
    (externalMcp
      ? (credentials) => createRemoteToolHost({ url: externalMcp, apiKey: credentials.apiKey, orgId: credentials.orgId, fetch: httpFetch })
      : (credentials) => createTallyfyToolHostFactory(services())(credentials));
  // Every tool call on record, in the data dir: outlives sessions and restarts (`audit.list`, the Activity page).
  const audit = new AuditTrail({ dir: join(config.dataDir, 'audit'), logger });
  // Spending limits and tool policy (docs/spend.md): both read the settings live.
  const spend = new SpendLedger({
    store: fileSpendStore(config.dataDir, { warn: (message) => logger.warn(message) }),
    limits: () => settings.current.spendLimits,
  });
  const isDirect = (query: string): boolean => {
    try {
      return parseDirectCommand(query) !== null;
    } catch {
      return true; // a malformed /tool command: the agent answers with its usage, without Claude
    }
  };
  const toolRules = (role: string | undefined) => {
    const policy = settings.current.toolPolicy;
    const rules = effectiveToolPolicy(policy, role);
    return { ...rules, refusal: (tool: string) => disabledToolMessage(tool, policy, role) };
  };
  const sessions = new SessionRegistry({
    audit,
    secrets,
    logger,
    engine: createAgentEngine(agent, { toolRules: (identity) => toolRules(identity.user.role) }),
    toolHostFactory,
    idleTimeoutMinutes: config.idleTimeoutMinutes,
    // Direct tool mode (and a gateway without a key) sends nothing to Claude, so it is never charged or refused.
    gate: createSpendGate({ ledger: spend, charged: (query) => agent.hasApiKey && !isDirect(query), model: () => agent.model, logger }),
  });
  const localTokens = new LocalTokens();
  const deskCredentials = () => {
    const { tallyfyApiKey: apiKey, tallyfyOrgId: orgId } = live.current;
    return apiKey && orgId ? { apiKey, orgId } : undefined;
  };

  const startedAt = Date.now();
  let state: Health['status'] = 'starting';
  let http: GatewayHttp | undefined;
  let ws: WsGateway | undefined;
  let mcp: McpHttp | undefined;
  let sandbox: Sandbox | undefined;
  let addresses: CoreAddresses | undefined;
  let tls: TlsMaterial | undefined;
  let stopping: Promise<void> | undefined;

  const gatewayAccepting = (): boolean => ws?.accepting ?? false;
  const suspendGateway = (reason: string): void => ws?.suspend(reason);
  const resumeGateway = (): void => ws?.resume();
  const health = (): Health =>
    coreHealth({
      status: () => state,
      startedAt,
      mode: config.sandbox ? 'sandbox' : 'live',
      agent: () => (agent.hasApiKey ? 'claude' : 'direct'),
      gateway: () => ({
        running: http !== undefined && gatewayAccepting(),
        ...(addresses ? { url: addresses.gatewayUrl } : {}),
        stoppedByAdmin: ws !== undefined && !ws.accepting,
      }),
      mcpUrl: () => mcp?.url,
      sandbox: () => ({ enabled: config.sandbox, ...(sandbox ? { url: sandbox.url } : {}) }),
      sessions: () => {
        const stats = sessions.stats();
        return { active: stats.active, peak: stats.peak };
      },
    });

  const localChat = (): LocalChatConnection => {
    if (!addresses || !ws) return { available: false, reason: 'The gateway is not running.' };
    if (!deskCredentials()) return { available: false, reason: 'Set your Tallyfy API key and organization id in Settings to chat here.' };
    const port = new URL(addresses.gatewayUrl).port;
    return { available: true, wsUrl: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/`, localToken: localTokens.issue() };
  };

  const gatewayTls = (): GatewayTls | undefined =>
    tls
      ? { fingerprint256: tls.fingerprint256, selfSigned: tls.selfSigned, validTo: tls.validTo.toISOString(), names: tls.names }
      : undefined;

  /** The certificate for the gateway port: the user's own, else the kept (or a newly generated) self-signed one. */
  const loadTls = async (): Promise<TlsMaterial | undefined> => {
    if (!tlsEnabled(config)) return undefined;
    if (config.tlsCert && config.tlsKey) {
      const own = loadOwnCertificate(config.tlsCert, config.tlsKey);
      logger.info(
        { file: own.certFile, fingerprint: own.fingerprint256, validTo: own.validTo.toISOString() },
        'TLS with your own certificate',
      );
      return own;
    }
    const kept = await ensureSelfSignedCertificate({ dataDir: config.dataDir, bindHost: config.host });
    const { material } = kept;
    const facts = { file: material.certFile, fingerprint: material.fingerprint256, validTo: material.validTo.toISOString() };
    if (kept.generatedBecause)
      logger.info({ ...facts, names: material.names }, `generated a self-signed TLS certificate (${kept.generatedBecause})`);
    else logger.info(facts, 'TLS with the kept self-signed certificate');
    if (kept.missingNames.length > 0) {
      logger.warn(
        { missing: kept.missingNames, file: material.certFile },
        'the kept TLS certificate does not name every address of this machine; browsers warn for those too. Delete the file to make a new one (its fingerprint changes).',
      );
    }
    return material;
  };

  const admin = createCoreAdmin(
    {
      live,
      gatewayTls,
      health,
      sessions,
      logs,
      logger,
      secrets,
      gatewayPort: () => http?.port,
      gatewayAccepting,
      suspendGateway,
      resumeGateway,
      localChat,
      audit,
      setIdleTimeout: (minutes) => sessions.setIdleTimeout(minutes),
      configureAgent: (patch) => agent.configure(patch),
      spend,
    },
    settings,
    config.mdns ? {} : { mdns: null },
  );

  /** In start order; stopped in reverse. */
  const parts: Service[] = [
    // Their files close last, after every session ended.
    { name: 'audit trail', start: () => undefined, stop: () => audit.close() },
    { name: 'spend ledger', start: () => undefined, stop: () => spend.close() },
    {
      name: 'tls',
      async start() {
        tls = await loadTls();
      },
      stop: () => undefined,
    },
    {
      name: 'sandbox',
      async start() {
        if (!config.sandbox) return;
        // Loaded only when asked for: most starts never need the sandbox (issue 18 §3).
        const { startSandbox } = await import('./tallyfy/sandbox');
        sandbox = await startSandbox({ port: 0, ...(config.sandboxSeed ? { seedFile: config.sandboxSeed } : {}) });
        tallyfyApiUrl = sandbox.url;
        logger.info({ url: sandbox.url }, 'Tallyfy sandbox started');
      },
      stop: () => sandbox?.close(),
    },
    {
      name: 'mcp',
      async start() {
        mcp = await startMcpHttp({ port: config.mcpPort, tallyfyApiUrl, logger, secrets, fetch: httpFetch, toolRules });
      },
      async stop() {
        await mcp?.close();
        mcp = undefined;
      },
    },
    {
      name: 'gateway http',
      async start() {
        http = await startGatewayHttp({
          host: config.host,
          port: config.port,
          health,
          logger,
          exposed,
          webRoot: defaultWebRoot(),
          routes: [(req, res, path) => admin.http.handleRequest(req, res, path)],
          upgrades: [(req, socket, head) => admin.http.handleUpgrade(req, socket, head)],
          ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
        });
      },
      async stop() {
        await http?.close();
        http = undefined;
      },
    },
    {
      name: 'gateway ws',
      start() {
        ws = createWsGateway({
          registry: sessions,
          authenticate,
          logger,
          host: config.host,
          // Read live: the admin may regenerate the code or change the allow-list.
          ...(accessCode ? { accessCode: () => settings.current.accessCode ?? accessCode } : {}),
          allowedOrgIds: () => settings.current.allowedOrgs,
          ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
          local: { verify: (token) => localTokens.verify(token), credentials: deskCredentials },
        });
        http!.attachWebSocket(ws);
      },
      // Ends every session (peers told `reason`, closed with 1001).
      stop: async (reason) => {
        if (ws) await ws.close(reason);
        else sessions.close(reason);
      },
    },
    { name: 'session reaper', start: () => sessions.start(), stop: (reason) => sessions.close(reason) },
    // Closed first by stop() whatever started: its events must not outlive the core.
    { name: 'admin', start: () => admin.start(), stop: () => undefined },
  ];
  const started: Service[] = [];

  return {
    get config() {
      return live.current;
    },
    logger,
    secrets,
    logs,
    sessions,
    agent,
    settings,
    admin,
    spend,
    health,
    addresses: () => addresses,
    sandbox: () => sandbox,
    localChat,
    suspendGateway,
    resumeGateway,
    gatewayAccepting,
    async start() {
      try {
        for (const part of parts) {
          await part.start();
          started.push(part);
        }
      } catch (error) {
        await this.stop('start-up failed');
        throw error;
      }
      const base = `${tls ? 'https' : 'http'}://${urlHost(config.host)}:${http!.port}`;
      const tlsInfo = gatewayTls();
      addresses = {
        gatewayUrl: base,
        wsUrl: base.replace(/^http/, 'ws'),
        adminUrl: `${base}/admin#token=${encodeURIComponent(admin.token())}`,
        mcpUrl: mcp!.url,
        ...(sandbox ? { sandboxUrl: sandbox.url } : {}),
        ...(accessCode ? { accessCode } : {}),
        ...(tls && tlsInfo ? { tls: { ...tlsInfo, certFile: tls.certFile } } : {}),
        ...(cleartextOnLan(config) ? { cleartextOnLan: true } : {}),
      };
      if (addresses.cleartextOnLan)
        logger.warn(
          'the gateway is on the LAN without TLS (--no-tls): API keys, the access code and the admin token cross the network in clear',
        );
      state = 'ok';
      admin.gatewayChanged();
      logger.info({ gateway: addresses.gatewayUrl, mcp: mcp!.url, sandbox: sandbox?.url }, 'core started');
      return addresses;
    },
    stop(reason = 'server shutting down') {
      stopping ??= (async () => {
        state = 'stopping';
        logger.info({ reason }, 'core stopping');
        admin.close();
        for (const part of started.splice(0).reverse()) {
          try {
            await part.stop(reason);
          } catch (error) {
            logger.warn({ err: error, service: part.name }, 'stopping a service failed');
          }
        }
        sessions.close(reason);
        httpFetch.close();
        logger.flush();
      })();
      return stopping;
    },
  };
}

export type { LogEntry };
