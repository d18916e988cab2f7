import type { EventName, EventPayload, RouteInput, RouteName, RouteOutput } from './contract';
import type { Result } from './result';

/**
 * The only API the renderer sees, whatever the transport: the preload exposes it as `window.api`
 * in the desktop app; the browser admin builds it over HTTP + WebSocket.
 */
export interface AdminBridge {
  request<R extends RouteName>(route: R, input: RouteInput<R>): Promise<Result<RouteOutput<R>>>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** IPC channel names, shared by main and preload. */
export const ipcChannels = { request: 'admin:request', event: 'admin:event' } as const;

/** The admin events WebSocket's subprotocol; the admin token rides as a second one, `token.<token>` (browsers cannot set headers there). */
export const adminSubprotocol = 'gateway-admin';
