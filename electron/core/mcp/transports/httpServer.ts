import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { LRUCache } from 'lru-cache';

import { orgIdPattern } from '../../../../shared/types/tallyfyIds';
import type { Logger } from '../../log/logger';
import type { SecretRegistry } from '../../log/redact';
import { applyListenerLimits, close, httpListenerLimits, listen } from '../../net/listen';
import { hostnameOfHeader, isLoopbackHost } from '../../net/loopback';
import { createTallyfyClient, type TallyfyClient } from '../../tallyfy/client';
import type { Me } from '../../tallyfy/types';
import { CredentialCheckError, verifyCredentials } from '../../tallyfy/verifyCredentials';

import { createMcpServer } from '../server/createMcpServer';
import { createMcpServerPool, type McpServerPool } from '../server/serverPool';
import { cacheToolsList } from '../server/toolsListCache';

/** Options of {@link startMcpHttp}. */
export interface McpHttpOptions {
  /** Port on 127.0.0.1. 0 picks a free one. (The product default, 9000, comes from config.) */
  port: number;
  /** Tallyfy REST API root every caller's client talks to (the real API or the sandbox). */
  tallyfyApiUrl: string;
  logger: Logger;
  /** Callers' tokens are registered here while cached, so no log line can carry them. */
  secrets: SecretRegistry;
  /** How long a verified credential set (and its Tallyfy client) is kept, in ms. Default 300,000 (5 min). */
  cacheTtlMs?: number;
  /** Most credential sets kept at once; the least recently used goes first. Default 256. */
  maxCachedCredentials?: number;
  /** How long Tallyfy's refusal of a credential set (401/403) is remembered, in ms, so a retrying client does not hammer Tallyfy. Default 10,000. */
  refusalTtlMs?: number;
  /** `json` (default: one JSON body per POST, the fastest) or `sse` (an event stream per POST). */
  responseMode?: 'json' | 'sse';
  /** Largest request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Tallyfy client factory (tests inject timeouts). Default {@link createTallyfyClient}. */
  createClient?: typeof createTallyfyClient;
  /**
   * Most idle MCP servers kept per cached credential set for the next request (each ≈128 KiB).
   * Within this cap a credential set keeps as many as it had busy at once in the last minute, so
   * steady concurrency builds no servers; beyond it the extra ones are dropped when done. Default 64.
   */
  maxIdleServersPerCredential?: number;
  /**
   * The admin's tool policy for a caller with Tallyfy `role` (as `me` reports it): a `tools/call`
   * of a disabled tool is refused with a JSON-RPC error naming the policy. Default: none.
   */
  toolRules?: (role: string | undefined) => { disabled: ReadonlySet<string>; refusal(tool: string): string };
  /** The Tallyfy clients' fetch (createCore passes the lean one, `net/httpFetch.ts`). Default: Node's built-in. */
  fetch?: typeof fetch;
  /** Serve `tallyfy_api_read` / `tallyfy_api_write` (config `apiFallback`). Default: `GATEWAY_API_FALLBACK=1`. */
  apiFallback?: boolean;
}

/** A running MCP Streamable HTTP endpoint. */
export interface McpHttp {
  readonly port: number;
  /** `http://127.0.0.1:PORT/mcp` */
  readonly url: string;
  /** Credential sets currently cached (for health and tests). */
  cachedCredentials(): number;
  /** MCP servers built since start; a request served by a pooled server builds none (for health and tests). */
  serversBuilt(): number;
  /** MCP servers waiting in the cached credential sets' pools (for health and tests). */
  idleServers(): number;
  /**
   * Stops listening and closes every pooled server. Requests in flight end now: an SSE stream
   * closes, a JSON request still waiting for its answer gets 503 with a JSON-RPC error.
   */
  close(): Promise<void>;
}

/** JSON-RPC error codes used before a request reaches the MCP server. */
export const mcpHttpErrorCodes = {
  unauthorized: -32001,
  forbidden: -32003,
  notFound: -32004,
  methodNotAllowed: -32005,
  upstream: -32010,
  shuttingDown: -32011,
  toolDisabled: -32012,
  parse: -32700,
  internal: -32603,
} as const;

/** The org header names Tallyfy's official MCP server accepts (lowercase, as Node gives them), first match wins. */
export const orgHeaders = ['x-tallyfy-org-id', 'x-organization-id', 'x-org-id', 'organization-id', 'org-id'] as const;

/** True when a Host header names this machine (any port): the DNS-rebinding guard. */
export function isLocalHost(host: string | undefined): boolean {
  return !!host && isLoopbackHost(hostnameOfHeader(host));
}

/** True when there is no Origin (not a browser) or it is a page served from this machine. */
export function isLocalOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

function sendRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Reads a request body of at most `limit` bytes; undefined when it is larger. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `tools/call` requests in a JSON-RPC message or batch: their ids and tool names. */
function toolCalls(body: unknown): { id: unknown; name: string }[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message: unknown) => {
    if (!message || typeof message !== 'object') return [];
    const { method, params, id } = message as { method?: unknown; params?: { name?: unknown }; id?: unknown };
    return method === 'tools/call' && typeof params?.name === 'string' ? [{ id, name: params.name }] : [];
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface CacheEntry {
  token: string;
  /** This caller's token plus the server-wide secrets: what its results and errors are scrubbed of (never another caller's token). */
  scrubber: SecretRegistry;
  client: TallyfyClient;
  /** Settles when `me()` has answered; rejects when the credentials are refused. */
  verified: Promise<Me>;
  /** This credential set's MCP servers, all bound to `client`: never shared with another entry. */
  servers: McpServerPool;
}

/** Why a request was refused before it reached MCP. */
class RefusedError extends Error {
  constructor(
    readonly status: number,
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

/**
 * Serves the MCP tools over Streamable HTTP at `http://127.0.0.1:PORT/mcp`.
 *
 * - Bound to 127.0.0.1 only. `Host` must name this machine and `Origin`, when present, must be a
 *   local page; otherwise 403 (DNS-rebinding guard).
 * - Callers authenticate with their own Tallyfy token (`Authorization: Bearer …`) and org
 *   (`X-Tallyfy-Org-Id`, `X-Organization-ID`, `X-Org-ID`, `Organization-ID` or `Org-ID`). Each credential set is verified once with
 *   `GET /organizations/{org}/me` and cached (key: HMAC of token and org, never the token) for
 *   `cacheTtlMs`; a refused token gets 401, a token outside the org 403, both with a JSON-RPC
 *   error body.
 * - Stateless mode: each POST connects an MCP server bound to that credential set's cached
 *   Tallyfy client to a fresh transport. Servers are pooled per credential set (one per
 *   concurrent request; as many kept idle as were busy at once in the last minute, at most
 *   `maxIdleServersPerCredential`) and leave with the set when it expires or is evicted, so a
 *   request reuses a built server instead of paying ≈1 ms to build one. `tools/list` is answered
 *   from a cache shared by the endpoint's servers (`toolsListCache.ts`). No session to hijack, leak or expire, any number of clients, and the caller's
 *   credentials are checked on every request. GET and DELETE answer 405.
 */
export async function startMcpHttp(options: McpHttpOptions): Promise<McpHttp> {
  const ttl = options.cacheTtlMs ?? 300_000;
  const maxEntries = options.maxCachedCredentials ?? 256;
  const makeClient = options.createClient ?? createTallyfyClient;
  const keySecret = randomBytes(32);
  const { logger, secrets } = options;
  /**
   * Verified credential sets (HMAC key → entry): at most `maxEntries`, the least recently used
   * going first, each for `ttl` from its verification. Leaving (expired, evicted, refused, closed),
   * a set's token stops being a registered secret and its pooled servers retire.
   */
  /** While closing: the pools of every set in the cache (expired ones too), to close after the cache is cleared. */
  let closing: McpServerPool[] | undefined;
  const cache = new LRUCache<string, CacheEntry>({
    max: maxEntries,
    ttl,
    perf: Date, // Date.now, so a test's fake clock moves it too
    // Read the clock at every look-up: the default (1 ms) reuses a reading until a timer clears it, so a
    // request arriving within that millisecond could still be served by a set that has just expired.
    ttlResolution: 0,
    dispose: (entry) => {
      secrets.remove(entry.token);
      entry.servers.retire();
      closing?.push(entry.servers);
    },
  });
  /** Recently refused credential sets (HMAC key → the refusal), remembered for `refusalTtl`. */
  const refused = new LRUCache<string, RefusedError>({ max: maxEntries, ttl: options.refusalTtlMs ?? 10_000, perf: Date, ttlResolution: 0 });
  const maxIdleServers = options.maxIdleServersPerCredential ?? 64;
  /** Every server this endpoint builds lists the same tools (same options), so they share one cached tools/list. */
  const toolsListKey = {};
  let serversBuilt = 0;
  /** Responses whose request is connected to an MCP server and not finished yet. */
  const inFlight = new Set<ServerResponse>();

  // Expired sets leave the cache when next looked up or here; each pool also ends its demand window.
  const sweep = setInterval(
    () => {
      cache.purgeStale();
      refused.purgeStale();
      for (const entry of cache.values()) entry.servers.trim();
    },
    Math.max(1000, Math.min(ttl, 60_000)),
  );
  sweep.unref();

  /** The verified client for this request's credentials, or a {@link RefusedError}. */
  const clientFor = async (req: IncomingMessage): Promise<{ entry: CacheEntry; key: string }> => {
    const authorization = header(req, 'authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const org = (orgHeaders.map((name) => header(req, name)).find((value) => value !== undefined) ?? '').trim();
    if (!match?.[1])
      throw new RefusedError(
        401,
        mcpHttpErrorCodes.unauthorized,
        'Missing credentials: send your Tallyfy API token as "Authorization: Bearer <token>".',
      );
    if (!orgIdPattern.test(org)) {
      throw new RefusedError(
        401,
        mcpHttpErrorCodes.unauthorized,
        'Missing or malformed organization: send your 32-character Tallyfy organization id as "X-Tallyfy-Org-Id".',
      );
    }
    const token = match[1];
    const key = createHmac('sha256', keySecret).update(`${org.toLowerCase()}\n${token}`).digest('hex');
    const refusal = refused.get(key);
    if (refusal) throw refusal;
    // A hit becomes the most recently used; an expired set is dropped (and disposed) here.
    let entry = cache.get(key);
    if (!entry) {
      secrets.add(token);
      const scrubber = secrets.scoped([token]);
      const client = makeClient({
        baseUrl: options.tallyfyApiUrl,
        token,
        orgId: org,
        secrets: scrubber,
        maxRetries: 1,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      const buildServer = (): McpServer => {
        serversBuilt += 1;
        const server = createMcpServer(client, {
          secrets: scrubber,
          logger,
          ...(options.apiFallback !== undefined ? { apiFallback: options.apiFallback } : {}),
        });
        cacheToolsList(server, toolsListKey);
        return server;
      };
      const servers = createMcpServerPool(buildServer, { maxIdle: maxIdleServers });
      const created: CacheEntry = { token, scrubber, client, verified: verifyCredentials(client), servers };
      entry = created;
      cache.set(key, created);
      created.verified.catch(() => {
        // A refused or failed verification is not cached: the next request tries again.
        if (cache.peek(key) === created) cache.delete(key);
      });
    }
    try {
      await entry.verified;
    } catch (error) {
      let refusedError: RefusedError | undefined;
      const problem = error instanceof CredentialCheckError ? error.problem : 'unreachable';
      if (problem === 'refused') {
        refusedError = new RefusedError(
          401,
          mcpHttpErrorCodes.unauthorized,
          'Tallyfy refused these credentials: check the API token (Authorization: Bearer) and try again.',
        );
      } else if (problem === 'no-access') {
        refusedError = new RefusedError(
          403,
          mcpHttpErrorCodes.forbidden,
          'This Tallyfy token has no access to the organization in X-Tallyfy-Org-Id.',
        );
      }
      if (refusedError) {
        refused.set(key, refusedError);
        throw refusedError;
      }
      // Tallyfy unreachable or failing: not the caller's fault, so not remembered.
      throw new RefusedError(
        502,
        mcpHttpErrorCodes.upstream,
        `Could not verify the credentials with Tallyfy: ${entry.scrubber.scrub(error instanceof Error ? error.message : String(error))}`,
      );
    }
    return { entry, key };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (!isLocalHost(header(req, 'host')) || !isLocalOrigin(header(req, 'origin'))) {
      logger.warn({ host: header(req, 'host'), origin: header(req, 'origin') }, 'MCP request refused: foreign Host or Origin');
      sendRpcError(
        res,
        403,
        mcpHttpErrorCodes.forbidden,
        'Forbidden: this MCP endpoint only accepts requests from this machine (Host/Origin check).',
      );
      return;
    }
    if (path !== '/mcp') {
      sendRpcError(res, 404, mcpHttpErrorCodes.notFound, `Nothing at ${path}: the MCP endpoint is /mcp.`);
      return;
    }
    if (req.method !== 'POST') {
      sendRpcError(res, 405, mcpHttpErrorCodes.methodNotAllowed, 'Method not allowed: this stateless MCP endpoint takes POST only.', {
        allow: 'POST',
      });
      return;
    }
    let bound: { entry: CacheEntry; key: string };
    try {
      bound = await clientFor(req);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      logger.info({ status: error.status }, 'MCP request refused: credentials');
      sendRpcError(
        res,
        error.status,
        error.rpcCode,
        error.message,
        error.status === 401 ? { 'www-authenticate': 'Bearer realm="tallyfy"' } : {},
      );
      return;
    }
    // The caller left while its credentials were checked: nothing would ever close a transport.
    if (res.closed) return;
    let parsedBody: unknown;
    if (options.toolRules) {
      // The tool policy needs to see which tool is called, so the body is read here and handed to the transport.
      const text = await readBody(req, options.maxBodyBytes ?? 1024 * 1024);
      if (text === undefined) {
        sendRpcError(res, 413, mcpHttpErrorCodes.internal, 'The request body is too large.');
        return;
      }
      try {
        parsedBody = JSON.parse(text);
      } catch {
        sendRpcError(res, 400, mcpHttpErrorCodes.parse, 'Parse error: the request body is not valid JSON.');
        return;
      }
      const me = await bound.entry.verified;
      const rules = options.toolRules(me.role);
      const refused = toolCalls(parsedBody).find((call) => rules.disabled.has(call.name));
      if (refused) {
        logger.info({ tool: refused.name }, 'MCP tool call refused: tool policy');
        const text = JSON.stringify({
          jsonrpc: '2.0',
          id: refused.id ?? null,
          error: { code: mcpHttpErrorCodes.toolDisabled, message: rules.refusal(refused.name) },
        });
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
        return;
      }
    }
    const server = bound.entry.servers.acquire();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: (options.responseMode ?? 'json') === 'json',
      maxRequestBodySize: options.maxBodyBytes ?? 1024 * 1024,
    });
    inFlight.add(res);
    // Closing the transport disconnects the server, which returns it to its pool.
    res.on('close', () => {
      inFlight.delete(res);
      void transport.close();
    });
    await server.connect(transport);
    // Stateless, but clients that expect a session get one: the id they send back is echoed, else a new one is issued.
    const sessionId = header(req, 'mcp-session-id');
    res.setHeader('mcp-session-id', sessionId && /^[\x21-\x7e]{1,128}$/.test(sessionId) ? sessionId : randomUUID());
    await transport.handleRequest(req, res, parsedBody);
    logger.debug({ credential: bound.key.slice(0, 8), status: res.statusCode }, 'MCP request');
  };

  const { keepAliveTimeout: _keepAlive, ...createLimits } = httpListenerLimits;
  const httpServer = createServer(createLimits, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'MCP HTTP handler failed');
      if (!res.headersSent) sendRpcError(res, 500, mcpHttpErrorCodes.internal, 'Internal error in the MCP endpoint.');
      else res.destroy();
    });
  });
  applyListenerLimits(httpServer);
  const port = await listen(httpServer, '127.0.0.1', options.port, 'MCP endpoint');
  return {
    port,
    url: `http://127.0.0.1:${port}/mcp`,
    cachedCredentials: () => cache.size,
    serversBuilt: () => serversBuilt,
    idleServers: () => [...cache.values()].reduce((sum, entry) => sum + entry.servers.idle(), 0),
    close: async () => {
      clearInterval(sweep);
      closing = [];
      cache.clear();
      await Promise.all(closing.map((pool) => pool.close()));
      // A closed transport ends SSE streams, but a JSON answer it was still waiting for never comes.
      for (const res of inFlight) {
        if (res.headersSent) res.destroy();
        else sendRpcError(res, 503, mcpHttpErrorCodes.shuttingDown, 'The MCP endpoint is shutting down: try again in a moment.');
      }
      await close(httpServer);
    },
  };
}
