import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';

import { sdkRequestHandler } from './sdkCompat';


/** One `tools/list` answer per catalog key (one object per set of servers built alike). */
const answers = new WeakMap<object, Promise<ListToolsResult>>();

/**
 * Answers `tools/list` on `server` from a cache shared by every server registered with the same
 * `catalog` key (servers built with the same options, hence the same tools): the SDK rebuilds the
 * whole list (JSON Schema from ~90 zod schemas, ≈14 ms of CPU) on every call, yet it only changes
 * with the tool set. The first call computes it
 * with the SDK's own handler; a paged call (`cursor`) and a failed computation are never cached.
 * Call it after every tool is registered. Does nothing if the server lists no tools.
 */
export function cacheToolsList(server: McpServer, catalog: object): void {
  // The SDK's own handler (a private field, read in sdkCompat.ts); without it the SDK answers uncached.
  const original = sdkRequestHandler(server, ListToolsRequestSchema.shape.method.value) as
    | ((request: unknown, extra: unknown) => Promise<ListToolsResult>)
    | undefined;
  if (!original) return;
  server.server.setRequestHandler(ListToolsRequestSchema, (request, extra) => {
    if (request.params?.cursor !== undefined) return original(request, extra);
    let answer = answers.get(catalog);
    if (!answer) {
      answer = original(request, extra);
      answers.set(catalog, answer);
      answer.catch(() => answers.delete(catalog));
    }
    return answer;
  });
}
