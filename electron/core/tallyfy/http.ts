import { genericSecrets, type SecretRegistry } from '../log/redact';
import { isRetryableNetworkError, isRetryableStatus, retryAfterMs, retryDelayMs, sleep, type RetryPolicy } from '../net/retry';

import { createTallyfyError, parseErrorBody, codeForStatus, type TallyfyError } from './errors';

/** A query value: arrays are sent comma-joined (`with=a,b`); undefined/null are left out. */
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** Options of one low-level request. */
export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** JSON body (sent with `Content-Type: application/json`). */
  body?: unknown;
  /** Cancels the request and any retry wait. */
  signal?: AbortSignal;
}

/** What `onRequest` hears after every HTTP attempt (never the token, never the query). */
export interface RequestInfo {
  method: string;
  path: string;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
}

/** The HTTP layer the endpoint families use. */
export interface HttpTransport {
  /** Sends one request (with retries) and returns the parsed JSON body, or undefined for an empty body. */
  send<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

export interface TransportOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof fetch;
  /** Scrubs secrets (the token at least) from error text. */
  secrets: Pick<SecretRegistry, 'scrub'>;
  onRequest?: (info: RequestInfo) => void;
}

/** Builds a URL query string: arrays comma-joined, booleans as `true`/`false`, empty values left out. */
function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The Tallyfy HTTP transport: headers, timeouts, retries, cancellation and error mapping. */
export function createHttpTransport(options: TransportOptions): HttpTransport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const secrets = options.secrets;
  const error = (...args: Parameters<typeof createTallyfyError>): TallyfyError =>
    createTallyfyError(args[0], args[1], secrets);

  async function attempt(
    method: string,
    path: string,
    url: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
    attemptNumber: number,
  ): Promise<{ response: Response; text: string } | { failure: TallyfyError; retryable: boolean }> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const started = performance.now();
    const report = (status: number): void => {
      try {
        options.onRequest?.({ method, path: secrets.scrub(path), status, durationMs: Math.round(performance.now() - started), attempt: attemptNumber });
      } catch {
        // A faulty listener must not break the request.
      }
    };
    try {
      const response = await options.fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${options.token}`,
          Accept: 'application/json',
          'X-Tallyfy-Client': 'APIClient',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body,
        signal: combined,
      });
      const text = await response.text();
      report(response.status);
      return { response, text };
    } catch (cause) {
      report(0);
      const details = { status: 0, method, path, cause: describeCause(cause, secrets) };
      if (signal?.aborted) return { failure: error('ABORTED', details), retryable: false };
      if (timeout.aborted) {
        return {
          failure: error('TIMEOUT', { ...details, tallyfyMessage: `no answer within ${options.timeoutMs} ms` }),
          retryable: false,
        };
      }
      return {
        failure: error('NETWORK', { ...details, tallyfyMessage: details.cause.message }),
        retryable: isRetryableNetworkError(method),
      };
    }
  }

  return {
    async send<T>(method: string, path: string, requestOptions: RequestOptions = {}): Promise<T> {
      const upper = method.toUpperCase();
      const url = `${base}${path}${buildQuery(requestOptions.query)}`;
      const body = requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body);
      const signal = requestOptions.signal;
      for (let attemptNumber = 1; ; attemptNumber += 1) {
        if (signal?.aborted) throw error('ABORTED', { status: 0, method: upper, path });
        const result = await attempt(upper, path, url, body, signal, attemptNumber);
        const retriesLeft = attemptNumber <= options.retry.maxRetries;
        let failure: TallyfyError;
        let retryable: boolean;
        if ('failure' in result) {
          failure = result.failure;
          retryable = result.retryable;
        } else {
          const { response, text } = result;
          const parsed = parseJson(text);
          if (response.ok) {
            if (text.trim() === '') return undefined as T;
            if (parsed.ok) return parsed.value as T;
            failure = error('SERVER_ERROR', {
              status: response.status,
              method: upper,
              path,
              tallyfyMessage: 'the response was not JSON',
              requestId: response.headers.get('x-request-id') ?? undefined,
            });
            retryable = false;
          } else {
            const info = parseErrorBody(parsed.ok ? parsed.value : text);
            const askedMs = retryAfterMs(response.headers);
            const retryAfterSeconds = askedMs === undefined ? undefined : Math.ceil(askedMs / 1000);
            failure = error(codeForStatus(response.status), {
              status: response.status,
              method: upper,
              path,
              tallyfyMessage: info.message,
              fieldErrors: info.fieldErrors,
              apiCode: info.apiCode,
              retryAfterSeconds,
              requestId: response.headers.get('x-request-id') ?? undefined,
            });
            retryable =
              isRetryableStatus(upper, response.status) &&
              (askedMs === undefined || askedMs <= options.retry.maxRetryAfterMs);
          }
        }
        if (!retryable || !retriesLeft) throw failure;
        try {
          const askedMs = failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000;
          await sleep(retryDelayMs(options.retry, attemptNumber, askedMs) ?? options.retry.maxRetryAfterMs, signal);
        } catch {
          throw error('ABORTED', { status: 0, method: upper, path });
        }
      }
    },
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A scrubbed, plain description of a fetch failure (undici puts the real reason in `cause`). */
function describeCause(cause: unknown, secrets: Pick<SecretRegistry, 'scrub'>): Error {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const message = inner instanceof Error ? inner.message : String(inner);
  const code = inner instanceof Error ? (inner as { code?: unknown }).code : undefined;
  const text = genericSecrets.scrub(secrets.scrub(typeof code === 'string' ? `${code}: ${message}` : message));
  return new Error(text);
}
