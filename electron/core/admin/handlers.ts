import { logLevelRank } from '../../../shared/types/logs';
import type { GatewayStatus } from '../../../shared/types/network';
import type { SessionSnapshot } from '../../../shared/types/session';
import { listToolCatalog } from '../mcp/catalog';
import { isLoopbackHost } from '../net/loopback';

import type { AdminContext } from './context';
import { AdminRouteError, type AdminHandlers } from './dispatch';
import { buildInvite } from './invite';

/** The gateway's status as the admin view shows it. */
export function gatewayStatus(context: Pick<AdminContext, 'gateway' | 'mdns'>): GatewayStatus {
  const state = context.gateway.state();
  const shownHost = isLoopbackHost(state.host) || state.host === '0.0.0.0' ? '127.0.0.1' : state.host;
  return {
    running: state.running,
    host: state.host,
    port: state.port,
    exposed: !isLoopbackHost(state.host),
    ...(state.running ? { url: `${state.tls ? 'https' : 'http'}://${shownHost}:${state.port}/` } : {}),
    advertised: context.mdns?.advertising ?? false,
    ...(state.tls ? { tls: state.tls } : {}),
  };
}

/** Every live session, newest first (the `sessions.list` answer and the `sessions.changed` payload). */
export function sessionList(context: Pick<AdminContext, 'sessions'>): { sessions: SessionSnapshot[] } {
  return { sessions: context.sessions.list().sort((a, b) => b.connectedAt - a.connectedAt) };
}

/**
 * The admin handlers over a running core, one per route of the contract. Shared by the IPC and
 * HTTP transports; inputs arrive validated by {@link dispatchAdmin}.
 */
export function createAdminHandlers(context: AdminContext): AdminHandlers {
  return {
    'health.get': () => context.health(),

    'sessions.list': () => sessionList(context),
    'sessions.kick': async ({ id, reason }) => {
      let kicked: boolean;
      try {
        kicked = await context.sessions.kick(id, reason);
      } catch (error) {
        // A cluster cannot reach the node that holds the session: say so with the cluster's code.
        const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'KICK_FAILED';
        throw new AdminRouteError(code, (error as Error).message);
      }
      if (kicked) context.logger.info({ session: id, reason }, 'the admin closed a session');
      return { kicked };
    },

    'stats.get': () => context.stats.view(),

    'usage.report': (input) => context.spend.report(input),
    'tools.list': () => ({
      tools: listToolCatalog().map((tool) => ({
        name: tool.name,
        title: tool.title,
        area: tool.area,
        readOnly: tool.annotations?.readOnlyHint === true,
        destructive: tool.annotations?.destructiveHint === true,
      })),
    }),

    'logs.list': ({ afterSeq, level, limit }) => {
      const floor = level ? logLevelRank[level] : 0;
      const entries = context.logs.list(afterSeq ?? 0).filter((entry) => logLevelRank[entry.level] >= floor);
      return { entries: entries.slice(-(limit ?? 500)) };
    },

    'audit.list': async (query) => (context.audit ? context.audit.list(query) : { entries: [], truncated: false }),

    'settings.get': () => context.settings.view(),
    'settings.update': (input) => {
      const result = context.settings.update(input);
      context.logger.info({ changed: [...result.applied, ...result.restartRequired] }, 'settings updated');
      return result;
    },
    'settings.regenerateAccessCode': () => {
      const accessCode = context.settings.regenerateAccessCode();
      context.logger.info('access code regenerated');
      return { accessCode };
    },

    'invite.get': () =>
      buildInvite({
        gateway: context.gateway.state(),
        addresses: context.network(),
        accessCode: context.settings.current.accessCode,
        mdnsName: context.mdns?.advertising ? context.mdns.name : undefined,
      }),

    'gateway.status': () => gatewayStatus(context),
    'gateway.start': async () => {
      await context.gateway.start();
      context.logger.info('the admin started the gateway');
      context.gatewayChanged();
      return gatewayStatus(context);
    },
    'gateway.stop': async () => {
      await context.gateway.stop('teammates cannot use it until the admin starts it again');
      context.logger.info('the admin stopped the gateway');
      context.gatewayChanged();
      return gatewayStatus(context);
    },

    'network.addresses': () => ({ addresses: context.network() }),

    'localChat.connect': () => {
      if (!context.localChat) return { available: false, reason: 'The local chat is not available in this build.' };
      try {
        return context.localChat();
      } catch (error) {
        throw new AdminRouteError('LOCAL_CHAT_UNAVAILABLE', (error as Error).message);
      }
    },
  };
}
