import type { Service } from '../../lifecycle/services';

import { startMcpHttp, type McpHttp, type McpHttpOptions } from './httpServer';

/** The MCP Streamable HTTP endpoint as a service. */
export interface McpHttpService extends Service {
  /** `http://127.0.0.1:PORT/mcp` once started. */
  url(): string | undefined;
}

/**
 * {@link startMcpHttp} on start, closed on stop. `tallyfyApiUrl` is read at start (the sandbox's
 * URL is known only once the sandbox started).
 */
export function mcpHttpService(options: Omit<McpHttpOptions, 'tallyfyApiUrl'> & { tallyfyApiUrl: () => string }): McpHttpService {
  let mcp: McpHttp | undefined;
  return {
    name: 'mcp',
    async start() {
      mcp = await startMcpHttp({ ...options, tallyfyApiUrl: options.tallyfyApiUrl() });
    },
    async stop() {
      const open = mcp;
      mcp = undefined;
      await open?.close();
    },
    url: () => mcp?.url,
  };
}
