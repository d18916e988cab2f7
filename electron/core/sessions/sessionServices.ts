import type { Logger } from '../log/logger';
import type { SecretRegistry } from '../log/redact';
import { createRemoteToolHost } from '../mcp/transports/remoteToolHost';

import type { Authenticator, ToolHostFactory } from './engine';
import { createTallyfyAuthenticator, createTallyfyToolHostFactory, type TallyfyServicesOptions } from './tallyfyServices';

/** What sessions need from the outside world: who a credential set is, and its tools. */
export interface SessionServices {
  authenticate: Authenticator;
  toolHostFactory: ToolHostFactory;
}

/** Options of {@link createSessionServices}. */
export interface SessionServicesOptions {
  /** The Tallyfy API root, read on every use. */
  tallyfyApiUrl: () => string;
  secrets: SecretRegistry;
  logger: Logger;
  /** The `fetch` for Tallyfy and a remote MCP server. */
  fetch: typeof globalThis.fetch;
  /** An external MCP server for the sessions' tools. Default: the embedded one. */
  mcpServerUrl?: string | undefined;
  /** Test seam: builds the sessions' tool hosts. */
  toolHostFactory?: ToolHostFactory | undefined;
  /** Serve `tallyfy_api_read` / `tallyfy_api_write` to the sessions (config `apiFallback`). Default: `GATEWAY_API_FALLBACK=1`. */
  apiFallback?: boolean | undefined;
}

/**
 * The sessions' Tallyfy sign-in check and tool hosts. `tallyfyApiUrl` is read on every use (the
 * sandbox's URL is known only after start). Tools come from `toolHostFactory` when given (a test
 * seam), else from the external MCP server at `mcpServerUrl`, else from the embedded in-process one.
 */
export function createSessionServices(options: SessionServicesOptions): SessionServices {
  const { secrets, logger, fetch, mcpServerUrl } = options;
  const tallyfy = (): TallyfyServicesOptions => ({
    baseUrl: options.tallyfyApiUrl(),
    secrets,
    logger,
    fetch,
    ...(options.apiFallback !== undefined ? { apiFallback: options.apiFallback } : {}),
  });
  const toolHostFactory: ToolHostFactory =
    options.toolHostFactory ??
    (mcpServerUrl
      ? (credentials) => createRemoteToolHost({ url: mcpServerUrl, apiKey: credentials.apiKey, orgId: credentials.orgId, fetch })
      : (credentials) => createTallyfyToolHostFactory(tallyfy())(credentials));
  // One sign-in check per Tallyfy URL (not one per sign-in), so its per-org cache of org names serves every sign-in (issue 18 §2).
  let signInCheck: { url: string; check: Authenticator } | undefined;
  return {
    authenticate: (credentials, signal) => {
      const url = options.tallyfyApiUrl();
      if (signInCheck?.url !== url) signInCheck = { url, check: createTallyfyAuthenticator(tallyfy()) };
      return signInCheck.check(credentials, signal);
    },
    toolHostFactory,
  };
}
