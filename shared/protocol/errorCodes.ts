/**
 * Stable `code`s carried by `error` messages. Clients switch on these, never on `message`.
 * Every code is documented in docs/protocol.md.
 */
export const errorCodes = [
  /** The frame was not valid JSON text. */
  'BAD_JSON',
  /** The frame was binary; the protocol is JSON text only. */
  'BINARY_NOT_SUPPORTED',
  /** The `type` is not one this server knows. */
  'UNKNOWN_TYPE',
  /** A known `type` with missing or invalid fields (`message` names them). */
  'BAD_MESSAGE',
  /** A query (or approval, cancel) before a successful `auth`. */
  'NOT_AUTHENTICATED',
  /** An `auth` or `resume` on a session that is already signed in. */
  'ALREADY_AUTHENTICATED',
  /** An `auth` while an earlier one is still being checked. */
  'AUTH_IN_PROGRESS',
  /** A second query while one is running: it is refused, not queued. */
  'BUSY',
  /** Too many messages too fast; slow down (the message was dropped). */
  'RATE_LIMITED',
  /** A query while the server waits for a yes/no approval answer. */
  'APPROVAL_PENDING',
  /** An `approval` whose `request_id` is not the one waiting. */
  'NO_PENDING_APPROVAL',
  'NO_PENDING_QUESTION',
  /** A `cancel` with no query running. */
  'NOTHING_TO_CANCEL',
  /** A `resume` whose session or token is unknown, expired or already closed. */
  'RESUME_FAILED',
  /**
   * Cluster mode: this node does not hold the session but can restore it from the cluster's store;
   * send the `resume` again with `api_key` and `org_id` (credentials live only in the memory of the
   * node that died).
   */
  'RESUME_NEEDS_SIGN_IN',
  /** The assistant (Claude) failed: overloaded, bad key, network. `message` says what to do. */
  'AGENT_FAILED',
  /** Tallyfy refused or failed outside a tool call. */
  'TALLYFY_ERROR',
  /** A spending limit is reached: `message` names the limit, the spend and when it resets. Nothing was sent to Claude. */
  'BUDGET_EXCEEDED',
  /** Anything unexpected on the server. The session stays usable. */
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Stable `code`s carried by `auth_error` messages. */
export const authErrorCodes = [
  /** Tallyfy refused the API key for this organization (wrong key, wrong org id, or a logged-out token). */
  'INVALID_CREDENTIALS',
  /** The gateway admin limits sign-in to other organizations. */
  'ORG_NOT_ALLOWED',
  /** The gateway is shared on the network and needs its access code. */
  'ACCESS_CODE_REQUIRED',
  /** The access code is wrong. */
  'ACCESS_CODE_INVALID',
  /** Too many failed sign-ins from this address; the connection is closed (try again later). */
  'TOO_MANY_ATTEMPTS',
  /** Tallyfy could not be reached or failed; try again. */
  'TALLYFY_UNAVAILABLE',
  /** A local (desk) sign-in that is not allowed here: not from this machine, bad token, or no desk credentials. */
  'LOCAL_NOT_AVAILABLE',
  /** The gateway admin has stopped the gateway for teammates; only the desk user's own pane (`auth_local`) may sign in. */
  'GATEWAY_STOPPED',
] as const;
export type AuthErrorCode = (typeof authErrorCodes)[number];

/** WebSocket close codes the gateway uses. */
export const closeCodes = {
  /** `quit`. */
  normal: 1000,
  /** Server shutting down. */
  goingAway: 1001,
  /** Policy: too many failed sign-ins, abusive message rate. */
  policy: 1008,
  /** Frame larger than the limit. */
  tooBig: 1009,
  /** Removed by the gateway admin. */
  kicked: 4000,
  /** Idle for longer than the idle timeout. */
  idleExpired: 4001,
  /** The session was resumed on another connection. */
  replaced: 4002,
} as const;
