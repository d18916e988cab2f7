import { routeNames } from '../../shared/ipc/contract';
import { AdminRouteError, type AdminHandlers } from '../core';

/** Handlers that all answer `CORE_UNAVAILABLE` with `message`, for when the core could not be built. */
export function unavailableHandlers(message: string): AdminHandlers {
  const fail = (): never => {
    throw new AdminRouteError('CORE_UNAVAILABLE', message);
  };
  // Every route gets the same failing handler; the map is complete by construction.
  return Object.fromEntries(routeNames.map((route) => [route, fail])) as unknown as AdminHandlers;
}
