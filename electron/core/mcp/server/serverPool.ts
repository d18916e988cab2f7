import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

import { forgetClient } from './sdkCompat';

/** Options of {@link createMcpServerPool}. */
export interface McpServerPoolOptions {
  /**
   * Most idle servers kept for reuse, whatever the demand; a server released while this many wait
   * is dropped. Default 64 (≈128 KiB each).
   */
  maxIdle?: number;
}

/** The MCP servers of ONE credential set, reused across stateless requests. */
export interface McpServerPool {
  /**
   * An idle server, or a freshly built one when every server is busy (so concurrent requests each
   * get their own). Connect it to a fresh transport right away: it returns to the pool by itself
   * when that transport closes, and until then no other caller gets it.
   */
  acquire(): McpServer;
  /** Servers this pool has built. */
  built(): number;
  /** Servers waiting to be reused. */
  idle(): number;
  /** Servers connected to a transport now. */
  busy(): number;
  /**
   * Ends a demand window: idle servers beyond the most that were busy at once during it are
   * dropped, and a new window starts. Call it every minute or so; without it the pool keeps
   * what its busiest moment needed (up to `maxIdle`).
   */
  trim(): void;
  /**
   * Stops reuse: idle servers are dropped now, busy ones when their transport closes, and
   * {@link acquire} builds throwaway servers from then on. Requests in flight finish normally.
   */
  retire(): void;
  /** {@link retire}, and closes the busy servers' transports too (ends requests in flight). */
  close(): Promise<void>;
}

/**
 * A pool of `McpServer`s built by `build` (all bound to the same credential set). A server is in
 * exactly one place: idle in the pool, or busy with one transport. Building an `McpServer` with
 * ~90 tools costs about 1 ms of CPU and 128 KiB; reusing one costs nothing. The SDK allows a
 * `Protocol` to `connect()` again once its transport has closed (`_onclose` clears `_transport`).
 *
 * Sized by demand: it keeps as many idle servers as were busy at once in the current or the last
 * window (see {@link McpServerPool.trim}), so a steady load of N concurrent requests builds N
 * servers once instead of one per request beyond a fixed idle count.
 */
export function createMcpServerPool(build: () => McpServer, options: McpServerPoolOptions = {}): McpServerPool {
  const maxIdle = options.maxIdle ?? 64;
  const idle: McpServer[] = [];
  const busy = new Set<McpServer>();
  let built = 0;
  let retired = false;
  /** Most servers busy at once in the current window, and in the window before it. */
  let peak = 0;
  let lastPeak = 0;

  const release = (server: McpServer): void => {
    if (!busy.delete(server)) return;
    // Reused only once its previous client is forgotten (the SDK's own reset covers the rest: `Protocol._onclose`).
    if (!forgetClient(server)) return;
    if (!retired && idle.length < Math.min(maxIdle, Math.max(peak, lastPeak))) idle.push(server);
  };

  const make = (): McpServer => {
    const server = build();
    built += 1;
    // Called by the SDK after the transport closed and the server has let go of it.
    server.server.onclose = () => release(server);
    return server;
  };

  return {
    acquire: () => {
      let server = idle.pop();
      // Defensive: a server still holding a transport is never handed out twice.
      while (server?.isConnected()) server = idle.pop();
      server ??= make();
      busy.add(server);
      peak = Math.max(peak, busy.size);
      return server;
    },
    built: () => built,
    idle: () => idle.length,
    busy: () => busy.size,
    trim: () => {
      idle.length = Math.min(idle.length, peak);
      lastPeak = peak;
      peak = busy.size;
    },
    retire: () => {
      retired = true;
      idle.length = 0;
    },
    close: async () => {
      retired = true;
      idle.length = 0;
      await Promise.allSettled([...busy].map((server) => server.close()));
    },
  };
}
