import { z } from 'zod';

import { auditListSchema, auditQuerySchema } from '../types/audit';
import { healthSchema } from '../types/health';
import { logEntrySchema, logLevelSchema } from '../types/logs';
import { gatewayStatusSchema, inviteSchema, localChatConnectionSchema, networkAddressSchema } from '../types/network';
import { sessionSnapshotSchema } from '../types/session';
import { settingsUpdateResultSchema, settingsUpdateSchema, settingsViewSchema } from '../types/settings';
import { usageReportInputSchema, usageReportSchema } from '../types/spend';
import { statsViewSchema } from '../types/stats';

const none = z.object({}).strict();

/** The admin view's pages (the desktop menu, tray and notifications can open one). */
export const adminPageSchema = z.enum(['overview', 'sessions', 'activity', 'stats', 'usage', 'logs', 'chat', 'invite', 'settings']);
export type AdminPage = z.infer<typeof adminPageSchema>;
const sessionIdSchema = z.string().min(1).max(100);

/**
 * The admin contract: every route the renderer may call, with its zod input and output schemas.
 * Served by `electron/core/admin` handlers over IPC (desktop) and HTTP (headless `/admin`).
 * Routes are named `noun.verb`. Outputs never carry a secret or conversation text.
 */
export const adminRoutes = {
  'health.get': { input: none, output: healthSchema },

  /** Every open session (the desk user's `local` one included), newest first. */
  'sessions.list': { input: none, output: z.object({ sessions: z.array(sessionSnapshotSchema) }) },
  /** Closes a session; the teammate is told `reason`. `kicked` is false when it was already gone. */
  'sessions.kick': {
    input: z.object({ id: sessionIdSchema, reason: z.string().trim().min(1, 'give a reason').max(200) }).strict(),
    output: z.object({ kicked: z.boolean() }),
  },

  'stats.get': { input: none, output: statsViewSchema },

  /** Spend and tokens per user and org per day for `from`..`to` (days, default this month), top users, the month against its limit. */
  'usage.report': { input: usageReportInputSchema, output: usageReportSchema },
  /** Every tool the embedded MCP server offers, with its read-only and destructive marks (the tool-policy editor). */
  'tools.list': {
    input: none,
    output: z.object({
      tools: z.array(z.object({ name: z.string(), title: z.string(), area: z.string(), readOnly: z.boolean(), destructive: z.boolean() })),
    }),
  },

  /** Kept log entries after `afterSeq` at `level` or above, at most `limit` (default 500) newest. */
  'logs.list': {
    input: z
      .object({ afterSeq: z.number().int().nonnegative().optional(), level: logLevelSchema.optional(), limit: z.number().int().min(1).max(1000).optional() })
      .strict(),
    output: z.object({ entries: z.array(logEntrySchema) }),
  },

  /** The audit trail: every tool call on record (kept across sessions and restarts), newest first, filtered. */
  'audit.list': { input: auditQuerySchema, output: auditListSchema },

  'settings.get': { input: none, output: settingsViewSchema },
  /** Validates, persists and applies what can be applied at once; says what needs a restart. */
  'settings.update': { input: settingsUpdateSchema, output: settingsUpdateResultSchema },
  /** Replaces the access code with a fresh random one (teammates signed in stay signed in). */
  'settings.regenerateAccessCode': { input: none, output: z.object({ accessCode: z.string() }) },

  'invite.get': { input: none, output: inviteSchema },

  'gateway.status': { input: none, output: gatewayStatusSchema },
  /** Lets teammates connect again. */
  'gateway.start': { input: none, output: gatewayStatusSchema },
  /** Disconnects every teammate and refuses new ones; the admin view stays reachable. */
  'gateway.stop': { input: none, output: gatewayStatusSchema },

  /** This machine's IPv4 addresses, for the bind-address choice. */
  'network.addresses': { input: none, output: z.object({ addresses: z.array(networkAddressSchema) }) },

  /** How the local chat pane connects to the desk user's own session. */
  'localChat.connect': { input: none, output: localChatConnectionSchema },
} as const;

/** Events the core pushes to the admin view. */
export const adminEvents = {
  'health.changed': healthSchema,
  /** The whole session list, at most every 250 ms while something changes. */
  'sessions.changed': z.object({ sessions: z.array(sessionSnapshotSchema) }),
  /** Every 2 s. */
  'stats.changed': statsViewSchema,
  /** New log entries, batched. */
  'logs.appended': z.object({ entries: z.array(logEntrySchema) }),
  'settings.changed': settingsViewSchema,
  'gateway.changed': gatewayStatusSchema,
  /** A session started waiting for an approval (the shell notifies for the desk user's own when its window is hidden). */
  'approvals.waiting': z.object({ sessionId: z.string(), user: z.string(), tool: z.string(), local: z.boolean() }),
  /** Desktop only: the app menu, tray or a notification asks the view to show a page. */
  'app.navigate': z.object({ page: adminPageSchema }),
} as const;

export type AdminRoutes = typeof adminRoutes;
export type RouteName = keyof AdminRoutes;
export type RouteInput<R extends RouteName> = z.input<AdminRoutes[R]['input']>;
export type RouteOutput<R extends RouteName> = z.output<AdminRoutes[R]['output']>;

export type AdminEvents = typeof adminEvents;
export type EventName = keyof AdminEvents;
export type EventPayload<E extends EventName> = z.output<AdminEvents[E]>;

export const routeNames = Object.keys(adminRoutes) as RouteName[];

export const isRouteName = (value: unknown): value is RouteName => typeof value === 'string' && Object.hasOwn(adminRoutes, value);
export const isEventName = (value: unknown): value is EventName => typeof value === 'string' && Object.hasOwn(adminEvents, value);
