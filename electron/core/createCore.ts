import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Health } from '../../shared/types/health';

import { createCoreAdmin, type CoreAdmin } from './admin/coreAdmin';
import type { Agent } from './agent';
import { createCoreAgent } from './agent/coreAgent';
import { AuditTrail } from './audit/auditTrail';
import { createClusterStores } from './cluster/clusterStores';
import { createCoreCluster } from './cluster/coreCluster';
import type { Config } from './config/config';
import { createLiveConfig } from './config/liveConfig';
import { coreAddresses, type CoreAddresses } from './coreAddresses';
import { coreHealth } from './coreHealth';
import { createGatewayServer, type GatewayServer } from './gateway/gatewayServer';
import { isLoopbackBinding } from './gateway/upgradeGuard';
import { serviceList } from './lifecycle/services';
import { createCoreLogging } from './log/coreLogging';
import type { LogEntry, LogRing, Logger } from './log/logger';
import type { SecretRegistry } from './log/redact';
import { mcpHttpService } from './mcp/transports/httpService';
import { createHttpFetch } from './net/httpFetch';
import { createAgentEngine } from './sessions/agentEngine';
import type { ToolHostFactory } from './sessions/engine';
import { SessionRegistry } from './sessions/registry';
import { createSessionServices } from './sessions/sessionServices';
import { createCoreSpend } from './spend/coreSpend';
import type { SpendLedger } from './spend/spendLedger';
import { effectiveConfig, openSettings } from './store/openSettings';
import type { SettingsService } from './store/settingsService';
import type { Sandbox } from './tallyfy/sandbox';
import { sandboxService } from './tallyfy/sandboxService';
import { gatewayCertificate } from './tls/gatewayCertificate';

export type { CoreAddresses } from './coreAddresses';
export type { LogEntry };

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

/** The composed server: start it, read its health, stop it. Free of any `electron` import. */
export interface Core {
  /** The configuration now (a frozen snapshot; the admin's live settings replace it). */
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  /** Every live session: the admin view's source (list, kick, subscribe, stats). */
  readonly sessions: SessionRegistry;
  /** The admin contract's handlers and events, and its browser transport (mounted at `/admin/api`, `/admin/events`). */
  readonly admin: CoreAdmin;
  start(): Promise<CoreAddresses>;
  /** Stops every service; safe to call twice. `reason` is told to connected clients (closed with 1001). */
  stop(reason?: string): Promise<void>;
  health(): Health;
  addresses(): CoreAddresses | undefined;
  /** True while teammates can connect. */
  gatewayAccepting(): boolean;
  /** `text` with every secret the core knows redacted (for messages written outside the logger). */
  scrub(text: string): string;
}

/** The parts behind a {@link Core}, for tests (test/integration/support/stack.ts) and the bench; the product uses {@link createCore}. */
export interface CoreParts {
  secrets: SecretRegistry;
  logs: LogRing;
  agent: Agent;
  settings: SettingsService;
  spend: SpendLedger;
  /** The gateway's HTTP server and WebSocket layer (local chat, suspend, resume). */
  gateway: GatewayServer;
  /** The embedded sandbox in `--sandbox` mode, once started. */
  sandbox(): Sandbox | undefined;
}

/** The browser build next to this checkout (`out/web`) or the packaged app (`../web`). */
export function defaultWebRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../out/web'), resolve(here, '../web'), resolve(process.cwd(), 'out/web')];
  return candidates.find((candidate) => existsSync(join(candidate, 'chat.html'))) ?? candidates[0]!;
}

/** The composition root: every part built from the config, then started as one ordered service list. */
export function createCore(options: CoreOptions): Core {
  return composeCore(options).core;
}

/**
 * {@link createCore} and its parts. Builds every part from the config, then starts them in order
 * (the `services` list below) and stops them in reverse. Building starts no timer and opens no port.
 */
export function composeCore(options: CoreOptions): { core: Core; parts: CoreParts } {
  // Configuration: flags and environment, with the admin's saved settings filled in and kept live.
  const settings = options.settings ?? openSettings(options.config);
  const exposed = !isLoopbackBinding(options.config.host);
  const live = createLiveConfig(effectiveConfig(options.config, settings, exposed)); // exposed without a code: one is generated
  const config = live.current;
  const accessCode = exposed ? config.accessCode : undefined;

  // The parts, each from its own folder.
  const { secrets, logs, logger } = createCoreLogging(config, { destination: options.logDestination, pretty: options.logPretty });
  const httpFetch = createHttpFetch(); // the lean fetch for Claude and Tallyfy (docs/performance.md)
  const agent = createCoreAgent(config, { logger, fetch: httpFetch, approvalPolicy: settings.current.approvalPolicy });
  const sandbox = sandboxService(config, logger);
  const tallyfyApiUrl = (): string => sandbox.tallyfyApiUrl();
  const tools = createSessionServices({
    tallyfyApiUrl,
    secrets,
    logger,
    fetch: httpFetch,
    mcpServerUrl: config.mcpServerUrl,
    toolHostFactory: options.toolHostFactory,
    apiFallback: config.apiFallback,
  });
  const audit = new AuditTrail({ dir: join(config.dataDir, 'audit'), logger }); // every tool call on record
  // Cluster mode (`--redis`): conversations and spend kept in Redis for every node (docs/scale-out.md); undefined on one node.
  const clusterStores = createClusterStores(config, {
    logger,
    connection: () => cluster?.node.connection(), // the cluster node's link, once it joined
    nodeId: () => cluster?.node.nodeId ?? '',
  });
  const spend = createCoreSpend({ config, settings, logger, agent, ...(clusterStores ? { store: clusterStores.spend } : {}) });
  const sessions = new SessionRegistry({
    audit,
    secrets,
    logger,
    engine: createAgentEngine(agent, { toolRules: (identity) => spend.toolRules(identity.user.role) }),
    toolHostFactory: tools.toolHostFactory,
    idleTimeoutMinutes: config.idleTimeoutMinutes,
    gate: spend.gate,
    ...(clusterStores ? { conversations: { store: clusterStores.conversations, node: clusterStores.nodeId } } : {}),
  });
  const tls = gatewayCertificate(config, logger);
  // Cluster mode (`--redis`): sessions, limits and sign-in settings shared with the other nodes; undefined on a single node.
  const cluster = createCoreCluster(config, { sessions, settings, logger, gatewayPort: () => gateway.port, adminToken: () => admin.token() });
  const mcp = mcpHttpService({
    port: config.mcpPort,
    tallyfyApiUrl,
    logger,
    secrets,
    fetch: httpFetch,
    toolRules: spend.toolRules,
    apiFallback: config.apiFallback,
  });
  const gateway = createGatewayServer({
    host: config.host,
    port: config.port,
    registry: sessions,
    authenticate: tools.authenticate,
    logger,
    health: () => health(),
    http: {
      exposed,
      webRoot: defaultWebRoot(),
      routes: [(req, res, path) => admin.http.handleRequest(req, res, path)],
      upgrades: [(req, socket, head) => admin.http.handleUpgrade(req, socket, head)],
    },
    tls: () => tls.material(),
    // Read live: the admin may regenerate the code or change the allow-list.
    ...(accessCode ? { accessCode: () => settings.current.accessCode ?? accessCode } : {}),
    allowedOrgIds: () => settings.current.allowedOrgs,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    ...(cluster ? { attemptLimiter: cluster.signInLimiter, addressConnections: cluster.connections } : {}),
    deskCredentials: () => {
      const { tallyfyApiKey: apiKey, tallyfyOrgId: orgId } = live.current;
      return apiKey && orgId ? { apiKey, orgId } : undefined;
    },
  });

  const startedAt = Date.now();
  let state: Health['status'] = 'starting';
  let addresses: CoreAddresses | undefined;
  const health = (): Health =>
    coreHealth({
      status: () => state,
      startedAt,
      mode: config.sandbox ? 'sandbox' : 'live',
      agent: () => (agent.hasApiKey ? 'claude' : 'direct'),
      gateway: () => ({
        running: gateway.accepting,
        ...(addresses ? { url: addresses.gatewayUrl } : {}),
        stoppedByAdmin: gateway.suspended,
      }),
      mcpUrl: () => mcp.url(),
      sandbox: () => ({ enabled: config.sandbox, ...(sandbox.current() ? { url: sandbox.current()!.url } : {}) }),
      sessions: () => ({ active: sessions.stats().active, peak: sessions.stats().peak }),
      ...(cluster ? { cluster: () => cluster.health() } : {}),
    });
  const admin = createCoreAdmin(
    {
      live,
      gatewayTls: () => tls.facts(),
      health,
      sessions: cluster?.directory ?? sessions,
      logs,
      logger,
      secrets,
      gatewayPort: () => gateway.port,
      gatewayAccepting: () => gateway.accepting,
      suspendGateway: (reason) => gateway.suspend(reason),
      resumeGateway: () => gateway.resume(),
      localChat: () => (addresses ? gateway.localChat() : { available: false, reason: 'The gateway is not running.' }),
      audit,
      setIdleTimeout: (minutes) => sessions.setIdleTimeout(minutes),
      configureAgent: (patch) => agent.configure(patch),
      spend: spend.ledger,
      ...(cluster ? { guessLimiter: cluster.adminGuessLimiter } : {}),
    },
    settings,
    config.mdns ? {} : { mdns: null },
  );

  // The table of contents: started top to bottom, stopped bottom to top.
  const services = serviceList(
    [
      { name: 'audit trail', start: () => undefined, stop: () => audit.close() }, // files close last, after every session ended
      { name: 'spend ledger', start: () => undefined, stop: () => spend.ledger.close() },
      tls,
      sandbox,
      mcp,
      gateway, // stopping it ends every session (peers told the reason, closed with 1001)
      ...(cluster ? [cluster.service] : []), // joins once the gateway's port (the default node id) is known; leaves first
      { name: 'session reaper', start: () => sessions.start(), stop: (reason) => sessions.close(reason) },
      { name: 'admin', start: () => admin.start(), stop: () => undefined }, // closed first by stop(), whatever started
    ],
    logger,
  );

  let stopping: Promise<void> | undefined;
  const core: Core = {
    get config() {
      return live.current;
    },
    logger,
    sessions,
    admin,
    health,
    addresses: () => addresses,
    gatewayAccepting: () => gateway.accepting,
    scrub: (text) => secrets.scrub(text),
    async start() {
      try {
        await services.start();
      } catch (error) {
        await core.stop('start-up failed');
        throw error;
      }
      const certificate = tls.material();
      const facts = tls.facts();
      addresses = coreAddresses(config, {
        gatewayPort: gateway.port!,
        adminToken: admin.token(),
        mcpUrl: mcp.url(),
        sandboxUrl: sandbox.current()?.url,
        accessCode: accessCode ? (settings.current.accessCode ?? accessCode) : undefined, // in a cluster: the shared one
        tls: certificate && facts ? { ...facts, certFile: certificate.certFile } : undefined,
      });
      if (addresses.cleartextOnLan)
        logger.warn(
          'the gateway is on the LAN without TLS (--no-tls): API keys, the access code and the admin token cross the network in clear',
        );
      state = 'ok';
      admin.gatewayChanged();
      logger.info({ gateway: addresses.gatewayUrl, mcp: addresses.mcpUrl, sandbox: addresses.sandboxUrl }, 'core started');
      return addresses;
    },
    stop(reason = 'server shutting down') {
      stopping ??= (async () => {
        state = 'stopping';
        logger.info({ reason }, 'core stopping');
        admin.close();
        await services.stop(reason);
        sessions.close(reason);
        httpFetch.close();
        logger.flush();
      })();
      return stopping;
    },
  };
  return {
    core,
    parts: { secrets, logs, agent, settings, spend: spend.ledger, gateway, sandbox: () => sandbox.current() },
  };
}
