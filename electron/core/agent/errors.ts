import { anthropicSdkIfLoaded } from './sdk';

/** Stable codes for everything the agent can fail with; the gateway forwards them to clients. */
export type AgentErrorCode =
  | 'AGENT_NO_API_KEY'
  | 'AGENT_AUTH_FAILED'
  | 'AGENT_PERMISSION_DENIED'
  | 'AGENT_RATE_LIMITED'
  | 'AGENT_OVERLOADED'
  | 'AGENT_CONNECTION_LOST'
  | 'AGENT_API_ERROR'
  | 'AGENT_BAD_REQUEST'
  | 'AGENT_CANCELLED'
  | 'AGENT_BUSY'
  | 'AGENT_INVALID_INPUT'
  | 'AGENT_UNKNOWN_TOOL'
  | 'AGENT_TOOLS_UNAVAILABLE'
  | 'AGENT_INTERNAL';

/**
 * A failure of one query, with a message written for the person who asked (what happened and what to
 * do). Never carries a key or token. The conversation stays usable after any of these.
 */
export class AgentError extends Error {
  override readonly name = 'AgentError';

  constructor(
    readonly code: AgentErrorCode,
    message: string,
    /** True when trying again later may succeed (rate limit, overload, dropped connection). */
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /**
   * True when the person who asked made a mistake (a typo in a direct `/tool` command, invalid
   * arguments JSON, an unknown tool): not a fault of the gateway, so it is logged as one INFO line.
   */
  get userMistake(): boolean {
    return this.code === 'AGENT_INVALID_INPUT' || this.code === 'AGENT_UNKNOWN_TOOL';
  }
}

/** Seconds to wait according to `retry-after-ms` / `retry-after` headers, or undefined. */
export function retryAfterMs(headers: Headers | undefined | null): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Maps anything thrown by the SDK or the stream to an {@link AgentError} with a user-facing message. */
export function toAgentError(error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  // The SDK loads lazily (./sdk): until it has, none of its errors can exist.
  const Anthropic = anthropicSdkIfLoaded();
  if (error instanceof Anthropic.APIUserAbortError) return new AgentError('AGENT_CANCELLED', 'Cancelled.', false, { cause: error });
  if (error instanceof Anthropic.AuthenticationError) {
    return new AgentError(
      'AGENT_AUTH_FAILED',
      'Anthropic refused the API key (401). Check ANTHROPIC_API_KEY in the settings or the environment and try again.',
      false,
      { cause: error },
    );
  }
  if (error instanceof Anthropic.PermissionDeniedError) {
    return new AgentError(
      'AGENT_PERMISSION_DENIED',
      'This Anthropic API key may not use the chosen model (403). Check the key and ANTHROPIC_MODEL.',
      false,
      { cause: error },
    );
  }
  if (error instanceof Anthropic.RateLimitError) {
    const wait = retryAfterMs(error.headers);
    const when = wait !== undefined ? `in about ${Math.max(1, Math.ceil(wait / 1000))} s` : 'in a minute';
    return new AgentError('AGENT_RATE_LIMITED', `Anthropic's rate limit was reached (429). Please try again ${when}.`, true, {
      cause: error,
    });
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return new AgentError(
      'AGENT_CONNECTION_LOST',
      'Could not reach Anthropic, or the connection dropped. Check the network connection and ask again.',
      true,
      {
        cause: error,
      },
    );
  }
  if (error instanceof Anthropic.APIError) {
    if (error.status === 529 || error.type === 'overloaded_error') {
      return new AgentError('AGENT_OVERLOADED', 'Anthropic is overloaded right now (529). Please try again in a moment.', true, {
        cause: error,
      });
    }
    if (error.status === 400 || error.status === 413 || error.status === 422) {
      const detail = error.apiMessage ? `: ${error.apiMessage}` : '';
      return new AgentError(
        'AGENT_BAD_REQUEST',
        `Anthropic rejected the request (${error.status})${detail}. Try "clear" to start a fresh conversation.`,
        false,
        {
          cause: error,
        },
      );
    }
    if (error.status === 404) {
      return new AgentError('AGENT_BAD_REQUEST', 'Anthropic does not know the chosen model (404). Check ANTHROPIC_MODEL.', false, {
        cause: error,
      });
    }
    const status = error.status !== undefined ? ` (${error.status})` : '';
    return new AgentError('AGENT_API_ERROR', `Anthropic had a problem answering${status}. Please try again.`, true, { cause: error });
  }
  // undici surfaces a reset body as TypeError('terminated') or a socket error.
  if (error instanceof Error && (error.name === 'TypeError' || /terminated|socket|ECONNRESET|other side closed/i.test(error.message))) {
    return new AgentError(
      'AGENT_CONNECTION_LOST',
      'The connection to Anthropic dropped in the middle of the answer. Please ask again.',
      true,
      { cause: error },
    );
  }
  return new AgentError('AGENT_INTERNAL', 'Something went wrong while answering. Please try again.', false, { cause: error });
}
