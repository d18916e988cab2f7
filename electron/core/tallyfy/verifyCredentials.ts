import type { TallyfyClient } from './client';
import { isTallyfyError } from './errors';
import type { Me } from './types';

/**
 * Why Tallyfy did not confirm a credential set: `refused` (401, the token is not valid),
 * `no-access` (403/404, the token cannot reach this organization) or `unreachable` (anything
 * else: network, timeout, 5xx — not the caller's fault, worth trying again later).
 */
export type CredentialProblem = 'refused' | 'no-access' | 'unreachable';

/** A credential check that did not confirm the credentials; `message` is scrubbed by the client. */
export class CredentialCheckError extends Error {
  constructor(
    readonly problem: CredentialProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CredentialCheckError';
  }
}

/**
 * The one Tallyfy credential check (gateway sign-in, the MCP HTTP endpoint, `mcp:stdio`):
 * `GET /organizations/{org}/me` with the client's token and org. Resolves with the user the token
 * belongs to; rejects with a {@link CredentialCheckError} saying why not. The org id's form is
 * checked before a client exists (`orgIdPattern` in shared/types/tallyfyIds.ts).
 */
export async function verifyCredentials(client: Pick<TallyfyClient, 'me'>, signal?: AbortSignal): Promise<Me> {
  try {
    return await client.me(signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isTallyfyError(error, 'UNAUTHORIZED')) throw new CredentialCheckError('refused', message, { cause: error });
    if (isTallyfyError(error, 'FORBIDDEN', 'NOT_FOUND')) throw new CredentialCheckError('no-access', message, { cause: error });
    throw new CredentialCheckError('unreachable', message, { cause: error });
  }
}
