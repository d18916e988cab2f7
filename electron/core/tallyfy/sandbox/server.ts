import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import { close, listen, urlHost } from '../../net/listen';

import { defaultSeed } from './defaultSeed';
import { FaultController, type FaultOptions } from './faults';
import { HttpError } from './respond';
import { Router } from './router';
import { commentRoutes } from './routes/comments';
import type { RouteContext } from './routes/context';
import { organizeRoutes } from './routes/organize';
import { peopleRoutes } from './routes/people';
import { runRoutes } from './routes/runs';
import { taskRoutes } from './routes/tasks';
import { templateRoutes } from './routes/templates';
import { loadSeedFile, parseSeed, type ParsedSeed, type SandboxSeed } from './seedSchema';
import { createState, type SandboxState } from './state';
import { tokenFingerprint } from './tokenId';

/** One request as the sandbox saw it. Never holds a token, only its fingerprint. */
export interface RequestLogEntry {
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without `?` ('' when none). */
  query: string;
  status: number;
  /** {@link tokenFingerprint} of the bearer token, or null when none was sent. */
  tokenId: string | null;
  /** The user the token belongs to, when it is known. */
  userId: number | null;
  /** Which injected fault answered, if any. */
  fault?: 'status' | 'hang' | 'drop';
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Initial data. Default {@link defaultSeed}. Validated; throws `SeedError` when invalid. */
  seed?: SandboxSeed | ParsedSeed;
  /** A JSON seed file to load instead (docs/sandbox-seed.md); ignored when `seed` is given. Throws `SeedError`. */
  seedFile?: string;
  /** Faults in force from the start. Default none. */
  faults?: FaultOptions;
  /** Clock for deadlines, overdue and timestamps. Default the real time. */
  now?: () => Date;
  /** Request log capacity (oldest dropped first). Default 5,000. */
  logCapacity?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL to give the client (`http://host:port`, no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The in-memory store (replaced by {@link reset}). */
  readonly state: SandboxState;
  /** Every request so far, oldest first. */
  readonly requestLog: RequestLogEntry[];
  readonly faults: FaultController;
  /** Restores the seed, clears the request log and the faults. */
  reset(): void;
  /** Stops listening and drops open connections (including hung ones). */
  close(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;

const orgRoutes = new Router([...organizeRoutes, ...commentRoutes, ...taskRoutes, ...runRoutes, ...templateRoutes, ...peopleRoutes]);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined || status === 204 ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'Content-Type': 'application/json' } : {}),
    'X-Request-Id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new HttpError(413, { message: 'The request body is too large.' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const unauthenticated = (): HttpError => new HttpError(401, { message: 'Unauthenticated.' });

/**
 * Starts an in-memory Tallyfy API on `host:port` that answers like the real one for every endpoint
 * the tools use (tallyfy-api.md §2–§5): same paths, envelopes, status codes and validation bodies,
 * replace semantics, silent drops, auth (missing `X-Tallyfy-Client` or bad token → 401, another
 * org → 403), pagination, `with=` includes, search; plus fault injection and a request log.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? ((): Date => new Date());
  const seed = options.seed
    ? parseSeed(options.seed, 'the seed option')
    : options.seedFile
      ? await loadSeedFile(options.seedFile)
      : parseSeed(defaultSeed(now()), 'the default seed');
  let state = createState(seed, now);
  const requestLog: RequestLogEntry[] = [];
  const capacity = options.logCapacity ?? 5000;
  const faults = new FaultController(options.faults);
  const sockets = new Set<Socket>();
  let seq = 0;
  let baseUrl = '';

  const log = (entry: Omit<RequestLogEntry, 'seq' | 'time'>): void => {
    requestLog.push({ seq: ++seq, time: Date.now(), ...entry });
    if (requestLog.length > capacity) requestLog.shift();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const authorization = req.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    const tokenId = token ? tokenFingerprint(token) : null;
    const who = token ? state.tokens.get(token) : undefined;
    const entry = { method, path, query: url.search.replace(/^\?/, ''), tokenId, userId: who?.userId ?? null };

    const decision = faults.decide(path);
    if (decision.kind === 'hang') {
      log({ ...entry, status: 0, fault: 'hang' });
      return; // never answered; closed with the server
    }
    if (decision.latencyMs > 0) await new Promise((done) => setTimeout(done, decision.latencyMs));
    if (decision.kind === 'drop') {
      log({ ...entry, status: 0, fault: 'drop' });
      req.socket.destroy();
      return;
    }
    if (decision.kind === 'status') {
      const headers: Record<string, string> = decision.retryAfterSeconds !== undefined ? { 'Retry-After': String(decision.retryAfterSeconds) } : {};
      const body = decision.status === 429 ? { message: decision.message, code: 'RATE_LIMIT_EXCEEDED' } : { error: true, message: decision.message };
      log({ ...entry, status: decision.status, fault: 'status' });
      send(res, decision.status, body, headers);
      return;
    }

    let status: number;
    try {
      const reply = await route(req, method, url, path, token, who);
      status = reply.status ?? 200;
      send(res, status, reply.body);
    } catch (error) {
      if (error instanceof HttpError) {
        status = error.status;
        send(res, status, error.body, error.headers);
      } else {
        status = 500;
        send(res, 500, { error: true, message: 'Server Error' });
      }
    }
    log({ ...entry, status });
  }

  async function route(
    req: IncomingMessage,
    method: string,
    url: URL,
    path: string,
    token: string | undefined,
    who: { orgId: string; userId: number } | undefined,
  ): Promise<{ status?: number; body?: unknown }> {
    if (!req.headers['x-tallyfy-client']) throw unauthenticated();
    if (!token || !who) throw unauthenticated();
    const home = state.orgs.get(who.orgId);
    const user = home?.users.find((candidate) => candidate.id === who.userId);
    if (!home || !user || user.status !== 'active') throw unauthenticated();

    const raw = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(req) : '';
    let body: unknown = undefined;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new HttpError(400, { error: true, message: 'The request body is not valid JSON.' });
      }
    }

    if (method === 'GET' && path === '/me') {
      const { token: _token, role: _role, status: _status, ...profile } = user;
      return { body: { data: { ...profile, full_name: `${user.first_name} ${user.last_name}` } } };
    }
    if (method === 'GET' && path === '/me/organizations') {
      const data = [{ ...home.org, users_count: home.users.filter((member) => member.status === 'active').length }];
      return { body: { data, meta: { pagination: { total: 1, count: 1, per_page: 10, current_page: 1, total_pages: 1, links: [] } } } };
    }
    const orgMatch = /^\/organizations\/([^/]+)(\/.*)?$/.exec(path);
    if (!orgMatch) throw new HttpError(404, { error: true, message: 'Endpoint not found.' });
    const orgId = decodeURIComponent(orgMatch[1] ?? '').toLowerCase();
    if (orgId !== who.orgId) throw new HttpError(403, { error: true, message: 'You do not have access to this organization.' });
    const orgPath = orgMatch[2] ?? '';
    const found = orgRoutes.match(method, orgPath);
    if (found === undefined) throw new HttpError(404, { error: true, message: 'Endpoint not found.' });
    if (found === 'method') throw new HttpError(405, { error: true, message: `The ${method} method is not supported for this route.` });
    const ctx: RouteContext = {
      state,
      org: home,
      user,
      params: found.params,
      query: url.searchParams,
      body,
      url: `${baseUrl}${path}`,
      now: now(),
    };
    return found.route.handler(ctx);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: true, message: 'Server Error' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, host, options.port ?? 0, 'Tallyfy sandbox');
  baseUrl = `http://${urlHost(host)}:${port}`;

  return {
    url: baseUrl,
    host,
    port,
    get state() {
      return state;
    },
    requestLog,
    faults,
    reset() {
      state = createState(seed, now);
      requestLog.length = 0;
      faults.clear();
    },
    async close() {
      const closing = close(server);
      for (const socket of sockets) socket.destroy();
      await closing;
    },
  };
}
