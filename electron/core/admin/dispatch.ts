import { adminRoutes, isRouteName, type RouteName, type RouteOutput } from '../../../shared/ipc/contract';
import { fail, ok, type Result } from '../../../shared/ipc/result';
import { redact } from '../log/redact';

/** One handler per route; a missing route is a compile error. */
export type AdminHandlers = {
  [R in RouteName]: (input: ReturnType<(typeof adminRoutes)[R]['input']['parse']>) => Promise<RouteOutput<R>> | RouteOutput<R>;
};

/** A handler's refusal with a stable code and a user-facing message. */
export class AdminRouteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminRouteError';
  }
}

/**
 * Validates `route` and `rawInput` at the edge, runs the handler, and returns a {@link Result}.
 * Never throws: bad input and handler failures become `{ ok: false, error }` with secrets scrubbed.
 */
export async function dispatchAdmin(handlers: AdminHandlers, route: unknown, rawInput: unknown): Promise<Result<unknown>> {
  if (!isRouteName(route)) return fail('UNKNOWN_ROUTE', `There is no admin route named ${JSON.stringify(route)}.`);
  const parsed = adminRoutes[route].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return fail('INVALID_INPUT', `${route}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')}`);
  }
  try {
    // The handler map is indexed by the same route the input was parsed for.
    const handler = handlers[route] as (input: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof AdminRouteError) return fail(error.code, String(redact(error.message)));
    return fail('INTERNAL', String(redact(error instanceof Error ? error.message : String(error))));
  }
}
