import { useCallback, useEffect, useState } from 'react';

import type { EventName, EventPayload, RouteInput, RouteName, RouteOutput } from '../../../../shared/ipc/contract';
import type { AdminError, Result } from '../../../../shared/ipc/result';

import { useBridge } from './BridgeContext';
import type { RouteState } from './useRoute';

/** Reads a route once, then keeps the value current from an event whose payload has the route's output shape. */
export function useLiveRoute<R extends RouteName, E extends EventName>(route: R, event: E & (EventPayload<E> extends RouteOutput<R> ? E : never)): RouteState<RouteOutput<R>> {
  const bridge = useBridge();
  const [state, setState] = useState<Omit<RouteState<RouteOutput<R>>, 'reload'>>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    void bridge.request(route, {} as RouteInput<R>).then((result) => {
      if (!live) return;
      setState((previous) => (result.ok ? { data: result.data, error: undefined, loading: false } : { data: previous.data, error: result.error, loading: false }));
    });
    const off = bridge.on(event, (payload) => {
      if (!live) return;
      setState({ data: payload as RouteOutput<R>, error: undefined, loading: false });
    });
    return () => {
      live = false;
      off();
    };
  }, [bridge, route, event, tick]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}

export interface Action<R extends RouteName> {
  run: (input: RouteInput<R>) => Promise<Result<RouteOutput<R>>>;
  pending: boolean;
  error: AdminError | undefined;
  reset: () => void;
}

/** Calls a route on demand (a button, a form), tracking pending and error. */
export function useAction<R extends RouteName>(route: R): Action<R> {
  const bridge = useBridge();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AdminError>();
  const run = useCallback(
    async (input: RouteInput<R>) => {
      setPending(true);
      setError(undefined);
      const result = await bridge.request(route, input);
      setPending(false);
      if (!result.ok) setError(result.error);
      return result;
    },
    [bridge, route],
  );
  const reset = useCallback(() => setError(undefined), []);
  return { run, pending, error, reset };
}

/** Re-renders every `ms` (countdowns, "3 min ago"); returns the current time. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
