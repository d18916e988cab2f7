import { useCallback, useEffect, useState } from 'react';

import type { AdminBridge } from '../../../../shared/ipc/bridge';
import type { EventName, EventPayload, RouteInput, RouteName, RouteOutput } from '../../../../shared/ipc/contract';
import type { AdminError } from '../../../../shared/ipc/result';

import { useBridge } from './BridgeContext';

export interface RouteState<T> {
  data: T | undefined;
  error: AdminError | undefined;
  loading: boolean;
  /** Asks the route again. */
  reload: () => void;
}

/** Calls a route once (and on `reload`), keeping data, error and loading state. */
export function useRoute<R extends RouteName>(route: R, input: RouteInput<R>): RouteState<RouteOutput<R>> {
  const bridge = useBridge();
  const [state, setState] = useState<Omit<RouteState<RouteOutput<R>>, 'reload'>>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(input);
  useEffect(() => {
    let live = true;
    void bridge.request(route, JSON.parse(key) as RouteInput<R>).then((result) => {
      if (!live) return;
      setState(result.ok ? { data: result.data, error: undefined, loading: false } : { data: undefined, error: result.error, loading: false });
    });
    return () => {
      live = false;
    };
  }, [bridge, route, key, tick]);
  const reload = useCallback(() => {
    setState((previous) => ({ ...previous, loading: true }));
    setTick((value) => value + 1);
  }, []);
  return { ...state, reload };
}

/** Subscribes to an admin event for the component's lifetime. */
export function useAdminEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void, bridge?: AdminBridge): void {
  const contextBridge = useBridge();
  const target = bridge ?? contextBridge;
  useEffect(() => target.on(event, listener), [target, event, listener]);
}
