import { orgIdPattern } from '../../../shared/types/tallyfyIds';
import type { Logger } from '../log/logger';
import type { SecretRegistry } from '../log/redact';
import { createInProcessToolHost } from '../mcp/transports/inProcessToolHost';
import { createTallyfyClient, type TallyfyClient } from '../tallyfy';
import { CredentialCheckError, verifyCredentials } from '../tallyfy/verifyCredentials';

import { AuthFailure, type Authenticator, type Credentials, type ToolHostFactory } from './engine';

/** What the Tallyfy-backed session services need. */
export interface TallyfyServicesOptions {
  /** Tallyfy API root (the real API or the sandbox URL). */
  baseUrl: string;
  /** Run-time secrets scrubbed from errors and tool results. */
  secrets: SecretRegistry;
  logger: Logger;
  /** Per-request timeout for the sign-in check, ms. Default 15,000. */
  authTimeoutMs?: number;
  /** `fetch` for every Tallyfy client (e.g. the lean one in core/net). Default: the global one. */
  fetch?: typeof fetch;
  /** How long the sign-in check keeps an org's name and time zone, ms. Default 10 minutes; 0 asks Tallyfy at every sign-in. */
  orgInfoTtlMs?: number;
  /** Clock for that cache, ms. Default `Date.now`. */
  now?: () => number;
  /** Serve `tallyfy_api_read` / `tallyfy_api_write` to sessions (config `apiFallback`). Default: `GATEWAY_API_FALLBACK=1`. */
  apiFallback?: boolean;
}

/** Orgs whose name the sign-in check remembers at most (the oldest is dropped first). */
const orgInfoCacheLimit = 1000;

function clientFor(
  options: TallyfyServicesOptions,
  credentials: Credentials,
  extra: { timeoutMs?: number; maxRetries?: number } = {},
  secrets: SecretRegistry = options.secrets,
): TallyfyClient {
  return createTallyfyClient({
    baseUrl: options.baseUrl,
    token: credentials.apiKey,
    orgId: credentials.orgId,
    secrets,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...extra,
  });
}

/**
 * Checks credentials with `GET /organizations/{org}/me` (then the org's name, best effort) and
 * returns who they belong to. 401/403/404 and a malformed org id are `INVALID_CREDENTIALS`;
 * anything else is `TALLYFY_UNAVAILABLE`. Messages never contain the key.
 *
 * The org's name and time zone are the same for every member, so they are kept per org for
 * `orgInfoTtlMs` and asked again only after that: a team signing in makes one Tallyfy request
 * each, not two (issue 18 §2). They are read only after the caller's own `/me` for that org
 * succeeded, so nobody learns an org's name without being its member.
 */
export function createTallyfyAuthenticator(options: TallyfyServicesOptions): Authenticator {
  const ttlMs = options.orgInfoTtlMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const orgInfo = new Map<string, { name: string; timezone: string | undefined; at: number }>();
  return async (credentials, signal) => {
    if (!orgIdPattern.test(credentials.orgId)) {
      throw new AuthFailure(
        'INVALID_CREDENTIALS',
        'The organization id should be the 32-character id from your Tallyfy URL (Settings > Organization).',
      );
    }
    const client = clientFor(options, credentials, { timeoutMs: options.authTimeoutMs ?? 15_000, maxRetries: 1 });
    try {
      const me = await verifyCredentials(client, signal);
      let orgName: string | undefined;
      let timezone = me.timezone ?? undefined;
      const known = orgInfo.get(client.orgId);
      if (known && now() - known.at < ttlMs) {
        orgName = known.name;
        timezone = known.timezone ?? timezone;
      } else {
        try {
          const org = await client.organization(signal);
          orgName = org.name;
          timezone = org.timezone ?? timezone;
          if (ttlMs > 0) {
            orgInfo.delete(client.orgId);
            if (orgInfo.size >= orgInfoCacheLimit) orgInfo.delete(orgInfo.keys().next().value as string);
            orgInfo.set(client.orgId, { name: org.name, timezone: org.timezone ?? undefined, at: now() });
          }
        } catch {
          // The name is a nicety: sign-in does not depend on it.
        }
      }
      const name = (me.full_name ?? `${me.first_name ?? ''} ${me.last_name ?? ''}`).trim() || me.email;
      return {
        user: { id: String(me.id), name, email: me.email, ...(me.role ? { role: me.role } : {}) },
        org: { id: client.orgId, ...(orgName ? { name: orgName } : {}) },
        ...(timezone ? { timezone } : {}),
      };
    } catch (error) {
      if (error instanceof CredentialCheckError && error.problem !== 'unreachable') {
        throw new AuthFailure(
          'INVALID_CREDENTIALS',
          'Tallyfy did not accept this API key for this organization. Check both, or create a new personal access token in Tallyfy (Settings > Integrations > REST API).',
        );
      }
      options.logger.warn({ err: error }, 'Tallyfy sign-in check failed');
      throw new AuthFailure('TALLYFY_UNAVAILABLE', 'Tallyfy could not be reached to check your credentials. Try again in a moment.');
    }
  };
}

/**
 * Builds a session's tool host: a Tallyfy client for its credentials and an in-process MCP server
 * over it. Tool results and errors are scrubbed of this session's key and the server-wide secrets
 * only, never of another session's key (docs/security.md: that would be an oracle).
 */
export function createTallyfyToolHostFactory(options: TallyfyServicesOptions): ToolHostFactory {
  return async (credentials) => {
    const secrets = options.secrets.scoped([credentials.apiKey]);
    return createInProcessToolHost(clientFor(options, credentials, {}, secrets), {
      secrets,
      logger: options.logger,
      ...(options.apiFallback !== undefined ? { apiFallback: options.apiFallback } : {}),
    });
  };
}
