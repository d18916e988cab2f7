import { adminSubprotocol, type AdminBridge } from '../../../../shared/ipc/bridge';
import { isEventName } from '../../../../shared/ipc/contract';
import { fail, type Result } from '../../../../shared/ipc/result';
import { hashParam } from '../hashParam';

const tokenKey = 'gateway-admin-token';

/** Reads the admin token from `#token=…` (then removes it from the address bar) or this tab's storage. */
export function adminToken(): string | undefined {
  const fromHash = hashParam(window.location.hash, 'token');
  if (fromHash) {
    sessionStorage.setItem(tokenKey, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(tokenKey) ?? undefined;
}

export function setAdminToken(token: string): void {
  sessionStorage.setItem(tokenKey, token);
}

/** Forgets a token the server refused. */
export function forgetAdminToken(): void {
  sessionStorage.removeItem(tokenKey);
}

/**
 * The admin bridge over HTTP (`POST /admin/api/<route>`) and a WebSocket for events
 * (`/admin/events`), for the headless server's browser admin view.
 */
export function httpBridge(token: string, base = window.location.origin): AdminBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retry = 0;

  const connect = (): void => {
    const url = new URL('/admin/events', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url, [adminSubprotocol, `token.${token}`]);
    socket.onmessage = (message) => {
      try {
        const { event, payload } = JSON.parse(String(message.data)) as { event: unknown; payload: unknown };
        if (isEventName(event)) for (const listener of listeners.get(event) ?? []) listener(payload);
      } catch {
        // Ignore a frame that is not ours.
      }
    };
    socket.onopen = () => {
      retry = 0;
    };
    socket.onclose = () => {
      socket = undefined;
      if (listeners.size > 0) setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
    };
  };

  return {
    async request(route, input) {
      try {
        const response = await fetch(new URL(`/admin/api/${route}`, base), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
        return (await response.json()) as Result<never>;
      } catch (error) {
        return fail('NETWORK', `Cannot reach the gateway: ${(error as Error).message}`);
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      if (!socket) connect();
      return () => {
        set.delete(listener as (payload: unknown) => void);
        if (set.size === 0) listeners.delete(event);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}
