import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { appVersion } from '../../version';

import type { ToolHost } from '../toolHost';

import { toolHostOverClient } from './inProcessToolHost';

export interface RemoteToolHostOptions {
  /** The external MCP server's Streamable HTTP endpoint (`MCP_SERVER_URL`), e.g. `http://127.0.0.1:9000/mcp`. */
  url: string;
  /** The session's own Tallyfy token, sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** The session's org, sent as `X-Tallyfy-Org-Id` (and `X-Organization-ID`). */
  orgId: string;
  /** `fetch` for the transport. Default: the global one. */
  fetch?: typeof fetch;
}

/**
 * A {@link ToolHost} over an external MCP server (`MCP_SERVER_URL`) instead of the embedded one.
 * Every request carries the session's own credentials, so isolation holds as with the in-process host.
 */
export async function createRemoteToolHost(options: RemoteToolHostOptions): Promise<ToolHost> {
  const transport = new StreamableHTTPClientTransport(new URL(options.url), {
    requestInit: {
      headers: { authorization: `Bearer ${options.apiKey}`, 'x-tallyfy-org-id': options.orgId, 'x-organization-id': options.orgId },
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const mcpClient = new Client({ name: 'tallyfy-gateway-agent', version: appVersion });
  await mcpClient.connect(transport);
  return toolHostOverClient(mcpClient);
}
