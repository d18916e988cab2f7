import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Options of {@link createHttpFetch}. */
export interface HttpFetchOptions {
  /** Most sockets open at once per origin. Default `Infinity` (Node's default). */
  maxSockets?: number;
  /** Most idle keep-alive sockets kept per origin. Default 256. */
  maxFreeSockets?: number;
  /**
   * An idle keep-alive socket is closed after this long (ms). Default 4,000: below Node's server
   * default of 5 s, so we close first rather than race the server. A shorter `Keep-Alive: timeout=`
   * hint from the server wins (Node's agent reads it).
   */
  idleTimeoutMs?: number;
  /**
   * Used for what this fetch does not do itself: `Request` objects, stream/form/blob bodies, non-HTTP
   * URLs, and any response that redirects (the request is replayed through it). Default the global `fetch`.
   */
  fallback?: typeof fetch;
}

/** A `fetch`-compatible function over `node:http`/`node:https` with keep-alive agents. */
export type HttpFetch = typeof fetch & {
  /** Closes every idle socket. Sockets in use finish their request first. */
  close(): void;
};

type Body = Uint8Array;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const nullBodyStatuses = new Set([101, 204, 205, 304]);

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The body as bytes or a string, or `undefined` when it is of a kind only the fallback handles. */
function plainBody(body: RequestInit['body']): Body | null | undefined {
  if (body === undefined || body === null) return null;
  // Encoded once here: the length comes for free and the socket writes the bytes without encoding again.
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  return undefined;
}

function outgoingHeaders(headers: RequestInit['headers'], body: Body | null, defaultType: string | undefined): OutgoingHttpHeaders {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) out[String(name).toLowerCase()] = String(value);
  else if (headers) for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = String(value);
  if (body !== null) {
    if (!('content-type' in out) && defaultType) out['content-type'] = defaultType;
    out['content-length'] = String(body.byteLength);
  }
  if (!('accept' in out)) out.accept = '*/*';
  return out;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    try {
      headers.append(name, value);
    } catch {
      // A header value fetch refuses (e.g. a stray control character) is dropped, as undici does.
    }
  }
  return headers;
}

function decoded(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;
  if (!decoder) return res;
  res.on('error', (error) => decoder.destroy(error));
  return res.pipe(decoder);
}

/**
 * A pull-based web stream over a Node readable: pauses the socket when the consumer lags, errors with
 * `TypeError('terminated')` (as undici does) when the connection ends before the body did.
 */
function webStream(source: Readable, res: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) source.pause();
        });
        source.once('end', () => {
          if (done) return;
          done = true;
          controller.close();
        });
        const fail = (error: unknown): void => {
          if (done) return;
          done = true;
          const isAbort = error instanceof Error && error.name === 'AbortError';
          controller.error(isAbort ? error : new TypeError('terminated', { cause: error }));
        };
        source.on('error', fail);
        if (source !== res) res.on('error', fail);
        res.once('close', () => {
          if (!res.complete) fail(new Error('other side closed'));
        });
      },
      pull() {
        source.resume();
      },
      cancel() {
        done = true;
        res.destroy();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/**
 * Creates a lean `fetch` for talking to HTTP APIs from Node: one `node:http` request per call over
 * keep-alive agents, the response body streamed as it arrives (SSE works chunk by chunk), and the
 * `AbortSignal` honoured before and after the headers (the body stream errors with the signal's reason).
 * It skips what the built-in fetch (undici) does per request that API clients do not need (Request
 * objects, CORS bookkeeping, body mixins on the request side), which is most of its CPU cost.
 *
 * Semantics kept: status/headers/body as a real `Response`; gzip/deflate/br bodies decoded; a request
 * that fails on a reused idle socket before any response is retried once on a new socket (the server
 * closed it idle, so it never saw the request); network failures reject with `TypeError('fetch failed')`
 * carrying the cause. Redirects and unusual inputs are handed to `fallback` (see {@link HttpFetchOptions}).
 */
export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? Infinity,
    maxFreeSockets: options.maxFreeSockets ?? 256,
    timeout: options.idleTimeoutMs ?? 4_000,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const fallback = options.fallback ?? globalThis.fetch.bind(globalThis);

  const send = (url: URL, method: string, headers: OutgoingHttpHeaders, body: Body | null, signal: AbortSignal | null | undefined, retried: boolean): Promise<IncomingMessage> =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const request = secure ? httpsRequest : httpRequest;
      let settled = false;
      const req: ClientRequest = request(url, { method, headers, agent: secure ? httpsAgent : httpAgent });
      const onAbort = (): void => {
        const reason = abortReason(signal as AbortSignal);
        req.destroy(reason instanceof Error ? reason : undefined);
        if (!settled) {
          settled = true;
          reject(reason);
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('response', (res) => {
        settled = true;
        resolve(res);
        // The listener must outlive the headers: an abort while the body streams destroys the response.
        if (signal) {
          const onBodyAbort = (): void => {
            res.destroy(abortReason(signal) as Error);
          };
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) onBodyAbort();
          else {
            signal.addEventListener('abort', onBodyAbort, { once: true });
            res.once('close', () => signal.removeEventListener('abort', onBodyAbort));
          }
        }
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        const stale = req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (stale && !retried) {
          send(url, method, headers, body, signal, true).then(resolve, reject);
          return;
        }
        reject(new TypeError('fetch failed', { cause: error }));
      });
      if (body === null) req.end();
      else req.end(body);
    });

  const httpFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) return fallback(input, init);
    const url = typeof input === 'string' ? new URL(input) : input;
    const body = plainBody(init.body);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || body === undefined) return fallback(input, init);
    const signal = init.signal;
    if (signal?.aborted) throw abortReason(signal);
    const method = (init.method ?? 'GET').toUpperCase();
    const defaultType = typeof init.body === 'string' ? 'text/plain;charset=UTF-8' : init.body instanceof URLSearchParams ? 'application/x-www-form-urlencoded;charset=UTF-8' : undefined;
    const res = await send(url, method, outgoingHeaders(init.headers, body, defaultType), body, signal, false);
    const status = res.statusCode ?? 0;
    if (redirectStatuses.has(status) && res.headers.location && init.redirect !== 'manual') {
      res.resume();
      return fallback(input, init);
    }
    const headers = responseHeaders(res);
    const noBody = nullBodyStatuses.has(status) || method === 'HEAD';
    if (noBody) res.resume();
    const response = new Response(noBody ? null : webStream(decoded(res), res), { status, statusText: res.statusMessage ?? '', headers });
    Object.defineProperty(response, 'url', { value: url.href });
    return response;
  };

  return Object.assign(httpFetch, {
    close(): void {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}
