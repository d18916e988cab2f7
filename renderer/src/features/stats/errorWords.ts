/** Plain words for the error codes the gateway counts (protocol and sign-in codes); unknown codes are shown as they are. */
export const errorWords: Record<string, string> = {
  BAD_JSON: 'Messages that were not valid JSON',
  BINARY_NOT_SUPPORTED: 'Binary messages (not supported)',
  UNKNOWN_TYPE: 'Messages of an unknown type',
  BAD_MESSAGE: 'Malformed messages',
  NOT_AUTHENTICATED: 'Questions before signing in',
  ALREADY_AUTHENTICATED: 'Second sign-in on one connection',
  AUTH_IN_PROGRESS: 'Sign-in sent twice',
  BUSY: 'Question sent while another ran',
  RATE_LIMITED: 'Too many messages (rate limit)',
  APPROVAL_PENDING: 'Question sent while an approval waited',
  NO_PENDING_APPROVAL: 'Answer to an approval no longer open',
  NOTHING_TO_CANCEL: 'Stop pressed with nothing running',
  RESUME_FAILED: 'Reconnects to a session that had ended',
  RESUME_NEEDS_SIGN_IN: 'Reconnects from another node that needed the key again',
  AGENT_FAILED: 'Assistant errors',
  TALLYFY_ERROR: 'Tallyfy errors',
  INTERNAL: 'Internal errors',
  INVALID_CREDENTIALS: 'Sign-ins with a wrong key or org',
  ORG_NOT_ALLOWED: 'Sign-ins from an org not allowed here',
  ACCESS_CODE_REQUIRED: 'Sign-ins without the access code',
  ACCESS_CODE_INVALID: 'Sign-ins with a wrong access code',
  TOO_MANY_ATTEMPTS: 'Sign-ins blocked after too many failures',
  TALLYFY_UNAVAILABLE: 'Sign-ins while Tallyfy was unreachable',
  LOCAL_NOT_AVAILABLE: 'Refused desktop sign-ins',
  GATEWAY_STOPPED: 'Sign-ins while the gateway was stopped',
};

/** `NOTHING_TO_CANCEL` → `Stop pressed with nothing running`; anything unknown → itself. */
export function errorLabel(kind: string): string {
  return errorWords[kind] ?? kind;
}
