/**
 * The only file that touches private fields of `@modelcontextprotocol/sdk` (lint holds this). The
 * SDK offers no public way to reset a server between stateless requests or to wrap its own
 * `tools/list` handler, so these helpers reach into `Server`/`Protocol` as SDK
 * {@link testedSdkVersion} lays them out, and say so when that layout is gone instead of failing
 * silently. sdkCompat.test.ts fails when the installed SDK differs from that version or the shape
 * changed: re-read the SDK's `server/index.js` and `shared/protocol.js`, then update both.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** The SDK version whose private fields this file was written against (package.json pins it). */
export const testedSdkVersion = '1.32.2';

/** The private fields used here: `Server`'s record of the client's `initialize`, `Protocol`'s handler map. */
interface SdkPrivates {
  _clientCapabilities?: unknown;
  _clientVersion?: unknown;
  _requestHandlers?: unknown;
}

/** A request handler as `Protocol` stores it (before its result is validated and sent). */
export type RawRequestHandler = (request: unknown, extra: unknown) => Promise<unknown>;

/**
 * Clears what one request's client told the server (its `initialize` capabilities and name), so a
 * reused server starts the next request as a fresh one would. Returns false when the clearing did
 * not take (the SDK keeps that state elsewhere now): such a server must not be reused.
 */
export function forgetClient(server: McpServer): boolean {
  const fields = server.server as unknown as SdkPrivates;
  fields._clientCapabilities = undefined;
  fields._clientVersion = undefined;
  return server.server.getClientCapabilities() === undefined && server.server.getClientVersion() === undefined;
}

/**
 * The SDK's own handler for `method` on `server` (e.g. `tools/list`, installed by `registerTool`),
 * or undefined when there is none or the SDK no longer keeps handlers in a `Map`.
 */
export function sdkRequestHandler(server: McpServer, method: string): RawRequestHandler | undefined {
  const handlers = (server.server as unknown as SdkPrivates)._requestHandlers;
  if (!(handlers instanceof Map)) return undefined;
  const handler: unknown = handlers.get(method);
  return typeof handler === 'function' ? (handler as RawRequestHandler) : undefined;
}
