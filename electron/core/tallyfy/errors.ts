import { genericSecrets, type SecretRegistry } from '../log/redact';

/** Stable error codes of the Tallyfy client. Callers switch on these, never on messages. */
export const tallyfyErrorCodes = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION',
  'RATE_LIMITED',
  'SERVER_ERROR',
  'TIMEOUT',
  'NETWORK',
  'ABORTED',
] as const;

export type TallyfyErrorCode = (typeof tallyfyErrorCodes)[number];

/** What every Tallyfy error carries besides its message. */
export interface TallyfyErrorDetails {
  /** HTTP status; 0 when no response arrived (timeout, network, aborted). */
  status: number;
  /** HTTP method of the failed request. */
  method: string;
  /** Request path (no query string, no host). */
  path: string;
  /** Tallyfy's own message from the response body, scrubbed of secrets, when there was one. */
  tallyfyMessage?: string;
  /** Laravel validation errors: field path → messages. Empty when none. */
  fieldErrors?: Record<string, string[]>;
  /** Tallyfy's structured error code (e.g. `SEAT_POOL_EXHAUSTED`, `RATE_LIMIT_EXCEEDED`), when given. */
  apiCode?: string;
  /** Seconds Tallyfy asked us to wait (`Retry-After`), when given. */
  retryAfterSeconds?: number;
  /** `X-Request-Id` of the response, when given (quote it to Tallyfy support). */
  requestId?: string;
  cause?: unknown;
}

/**
 * Base class of every error the Tallyfy client throws. `message` says what happened and what to
 * do, never contains a token (scrubbed), and `code` is stable.
 */
export class TallyfyError extends Error {
  readonly code: TallyfyErrorCode;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly tallyfyMessage: string | undefined;
  readonly fieldErrors: Record<string, string[]>;
  readonly apiCode: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(code: TallyfyErrorCode, message: string, details: TallyfyErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TallyfyError';
    this.code = code;
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.tallyfyMessage = details.tallyfyMessage;
    this.fieldErrors = details.fieldErrors ?? {};
    this.apiCode = details.apiCode;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.requestId = details.requestId;
  }

  /** A plain, already-scrubbed object for logs and tool results. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      message: this.message,
      ...(this.tallyfyMessage !== undefined ? { tallyfyMessage: this.tallyfyMessage } : {}),
      ...(Object.keys(this.fieldErrors).length > 0 ? { fieldErrors: this.fieldErrors } : {}),
      ...(this.apiCode !== undefined ? { apiCode: this.apiCode } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
    };
  }
}

/** 400 (and other unexpected 4xx): the request was malformed or refused by a business rule. */
export class TallyfyBadRequestError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('BAD_REQUEST', message, details);
    this.name = 'TallyfyBadRequestError';
  }
}
/** 401: the token is wrong, expired or logged out, or the client header is missing. */
export class TallyfyUnauthorizedError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('UNAUTHORIZED', message, details);
    this.name = 'TallyfyUnauthorizedError';
  }
}
/** 403: no permission, another organization, or a domain rule (e.g. a field used by a rule). */
export class TallyfyForbiddenError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('FORBIDDEN', message, details);
    this.name = 'TallyfyForbiddenError';
  }
}
/** 404: no such object (archived templates also read as 404). */
export class TallyfyNotFoundError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('NOT_FOUND', message, details);
    this.name = 'TallyfyNotFoundError';
  }
}
/** 409: a conflict such as `SEAT_POOL_EXHAUSTED` (see `apiCode`). */
export class TallyfyConflictError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('CONFLICT', message, details);
    this.name = 'TallyfyConflictError';
  }
}
/** 422: validation failed; `fieldErrors` says which fields and why. */
export class TallyfyValidationError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('VALIDATION', message, details);
    this.name = 'TallyfyValidationError';
  }
}
/** 429 after the retries ran out; `retryAfterSeconds` says when to try again. */
export class TallyfyRateLimitError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('RATE_LIMITED', message, details);
    this.name = 'TallyfyRateLimitError';
  }
}
/** 5xx, or a success response whose body was not the JSON Tallyfy sends. */
export class TallyfyServerError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('SERVER_ERROR', message, details);
    this.name = 'TallyfyServerError';
  }
}
/** No response within the per-request timeout. */
export class TallyfyTimeoutError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('TIMEOUT', message, details);
    this.name = 'TallyfyTimeoutError';
  }
}
/** The connection failed (DNS, refused, reset) before a response arrived. */
export class TallyfyNetworkError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('NETWORK', message, details);
    this.name = 'TallyfyNetworkError';
  }
}
/** The caller cancelled the request through its `AbortSignal`. */
export class TallyfyAbortedError extends TallyfyError {
  constructor(message: string, details: TallyfyErrorDetails) {
    super('ABORTED', message, details);
    this.name = 'TallyfyAbortedError';
  }
}

/** True when `error` is a {@link TallyfyError}, optionally with one of `codes`. */
export function isTallyfyError(error: unknown, ...codes: TallyfyErrorCode[]): error is TallyfyError {
  return error instanceof TallyfyError && (codes.length === 0 || codes.includes(error.code));
}

interface ParsedBody {
  message?: string;
  fieldErrors: Record<string, string[]>;
  apiCode?: string;
}

/** Reads Tallyfy's generic, Laravel-validation and structured error bodies (tallyfy-api.md §5). */
export function parseErrorBody(body: unknown): ParsedBody {
  const out: ParsedBody = { fieldErrors: {} };
  if (typeof body === 'string') {
    const text = body.trim();
    if (text && text.length < 500 && !text.startsWith('<')) out.message = text;
    return out;
  }
  if (!body || typeof body !== 'object') return out;
  const record = body as Record<string, unknown>;
  if (typeof record.message === 'string') out.message = record.message;
  if (typeof record.code === 'string') out.apiCode = record.code;
  const structured = record.error;
  if (structured && typeof structured === 'object') {
    const inner = structured as Record<string, unknown>;
    if (typeof inner.message === 'string') out.message = inner.message;
    if (typeof inner.code === 'string') out.apiCode = inner.code;
  }
  if (record.errors && typeof record.errors === 'object') {
    for (const [key, value] of Object.entries(record.errors as Record<string, unknown>)) {
      out.fieldErrors[key] = flattenMessages(value);
    }
  }
  return out;
}

function flattenMessages(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(flattenMessages);
  // Nested payloads (prerun, tasks) carry dict-valued entries: keep their text.
  if (value && typeof value === 'object') return Object.values(value).flatMap(flattenMessages);
  return value === undefined || value === null ? [] : [String(value)];
}

const advice: Record<TallyfyErrorCode, string> = {
  BAD_REQUEST: 'Check the request values and try again.',
  UNAUTHORIZED: 'The Tallyfy token is invalid, expired or was logged out: create a new personal access token in Tallyfy (Settings > Integrations > REST API) and sign in again.',
  FORBIDDEN: 'This account may not do this in this organization (wrong organization id, a role that lacks permission, or a rule that protects the object).',
  NOT_FOUND: 'Check the id; archived templates and processes are hidden until restored.',
  CONFLICT: 'The organization is in a state that prevents this (for example no free seats); resolve that in Tallyfy first.',
  VALIDATION: 'Fix the listed fields and try again.',
  RATE_LIMITED: 'Tallyfy is throttling requests: wait and try again.',
  SERVER_ERROR: 'Tallyfy had a problem: try again in a moment.',
  TIMEOUT: 'Tallyfy did not answer in time: try again, or check the connection.',
  NETWORK: 'Tallyfy could not be reached: check the network connection and the API URL.',
  ABORTED: 'The request was cancelled.',
};

const classes: Record<TallyfyErrorCode, new (message: string, details: TallyfyErrorDetails) => TallyfyError> = {
  BAD_REQUEST: TallyfyBadRequestError,
  UNAUTHORIZED: TallyfyUnauthorizedError,
  FORBIDDEN: TallyfyForbiddenError,
  NOT_FOUND: TallyfyNotFoundError,
  CONFLICT: TallyfyConflictError,
  VALIDATION: TallyfyValidationError,
  RATE_LIMITED: TallyfyRateLimitError,
  SERVER_ERROR: TallyfyServerError,
  TIMEOUT: TallyfyTimeoutError,
  NETWORK: TallyfyNetworkError,
  ABORTED: TallyfyAbortedError,
};

/** The client error code for an HTTP status. */
export function codeForStatus(status: number): TallyfyErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 422) return 'VALIDATION';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'SERVER_ERROR';
  return 'BAD_REQUEST';
}

/**
 * Builds the error for `code`, with a message of the form
 * `Tallyfy <what happened> (<METHOD> <path>): <Tallyfy's message> [field: msg | …]. <what to do>`,
 * scrubbed with `secrets` (and the generic credential patterns).
 */
export function createTallyfyError(
  code: TallyfyErrorCode,
  details: TallyfyErrorDetails,
  secrets: Pick<SecretRegistry, 'scrub'> = genericSecrets,
): TallyfyError {
  const scrub = (text: string): string => genericSecrets.scrub(secrets.scrub(text));
  const tallyfyMessage = details.tallyfyMessage === undefined ? undefined : scrub(details.tallyfyMessage);
  const fieldErrors: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(details.fieldErrors ?? {})) fieldErrors[scrub(key)] = messages.map(scrub);
  const what =
    details.status > 0
      ? `Tallyfy answered ${details.status}`
      : code === 'TIMEOUT'
        ? 'Tallyfy request timed out'
        : code === 'ABORTED'
          ? 'Tallyfy request cancelled'
          : 'Tallyfy request failed';
  const fields = Object.entries(fieldErrors)
    .map(([key, messages]) => `${key}: ${messages.join('; ')}`)
    .join(' | ');
  const parts = [`${what} (${details.method} ${scrub(details.path)})`];
  let text = parts[0] ?? '';
  if (tallyfyMessage) text += `: ${tallyfyMessage.replace(/\.$/, '')}`;
  if (fields) text += ` [${fields}]`;
  if (details.apiCode) text += ` (${details.apiCode})`;
  text += `. ${advice[code]}`;
  if (code === 'RATE_LIMITED' && details.retryAfterSeconds !== undefined) text += ` Retry after ${details.retryAfterSeconds} s.`;
  const Class = classes[code];
  return new Class(scrub(text), { ...details, path: scrub(details.path), tallyfyMessage, fieldErrors });
}
