import { z } from 'zod';

import { healthSchema } from '../types/health';

/**
 * The admin contract: every route the renderer may call, with its zod input and output schemas.
 * Served by `electron/core/admin` handlers over IPC (desktop) and HTTP (headless `/admin`).
 * Routes are named `noun.verb`.
 */
export const adminRoutes = {
  'health.get': { input: z.object({}).strict(), output: healthSchema },
} as const;

/** Events the core pushes to the admin view. */
export const adminEvents = {
  'health.changed': healthSchema,
} as const;

export type AdminRoutes = typeof adminRoutes;
export type RouteName = keyof AdminRoutes;
export type RouteInput<R extends RouteName> = z.input<AdminRoutes[R]['input']>;
export type RouteOutput<R extends RouteName> = z.output<AdminRoutes[R]['output']>;

export type AdminEvents = typeof adminEvents;
export type EventName = keyof AdminEvents;
export type EventPayload<E extends EventName> = z.output<AdminEvents[E]>;

export const routeNames = Object.keys(adminRoutes) as RouteName[];
export const eventNames = Object.keys(adminEvents) as EventName[];

export const isRouteName = (value: unknown): value is RouteName => typeof value === 'string' && Object.hasOwn(adminRoutes, value);
export const isEventName = (value: unknown): value is EventName => typeof value === 'string' && Object.hasOwn(adminEvents, value);
