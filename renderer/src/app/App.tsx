import { lazy, Suspense, useCallback, type ReactNode } from 'react';

import type { AdminPage } from '../../../shared/ipc/contract';
import { Icon, type IconName } from '../components/Icon';
import { GatewayControl } from '../features/settings/GatewayControl';
import { useLiveRoute } from '../lib/api/useLive';
import { useAdminEvent } from '../lib/api/useRoute';

import { LocalChatPane } from './LocalChatPane';
import { OverviewPage } from './OverviewPage';
import { usePage } from './usePage';

// Each page's code (tables, charts, QR code, settings forms) loads when the page is first opened.
const ActivityPage = lazy(() => import('../features/activity/ActivityPage').then((m) => ({ default: m.ActivityPage })));
const InvitePage = lazy(() => import('../features/invite/InvitePage').then((m) => ({ default: m.InvitePage })));
const LogsPage = lazy(() => import('../features/logs/LogsPage').then((m) => ({ default: m.LogsPage })));
const SessionsPage = lazy(() => import('../features/sessions/SessionsPage').then((m) => ({ default: m.SessionsPage })));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const StatsPage = lazy(() => import('../features/stats/StatsPage').then((m) => ({ default: m.StatsPage })));
const UsagePage = lazy(() => import('../features/usage/UsagePage').then((m) => ({ default: m.UsagePage })));

const nav: { page: AdminPage; label: string; icon: IconName }[] = [
  { page: 'overview', label: 'Overview', icon: 'overview' },
  { page: 'sessions', label: 'Sessions', icon: 'sessions' },
  { page: 'activity', label: 'Activity', icon: 'activity' },
  { page: 'stats', label: 'Stats', icon: 'stats' },
  { page: 'usage', label: 'Usage', icon: 'usage' },
  { page: 'logs', label: 'Logs', icon: 'logs' },
  { page: 'chat', label: 'Chat', icon: 'chat' },
  { page: 'invite', label: 'Invite', icon: 'invite' },
  { page: 'settings', label: 'Settings', icon: 'settings' },
];

function SessionCount() {
  const sessions = useLiveRoute('sessions.list', 'sessions.changed');
  // A closed tab waits a short while for its page to come back ("reconnecting"): not counted as signed in.
  const count = sessions.data?.sessions.filter((session) => session.authenticated && !session.detached).length ?? 0;
  return count > 0 ? <span className="nav-count">{count}</span> : null;
}

/** The admin view: a sidebar and one page. Features are composed here and never import each other. */
export function App() {
  const [page, go] = usePage();
  useAdminEvent(
    'app.navigate',
    useCallback((payload: { page: AdminPage }) => go(payload.page), [go]),
  );
  const link = (target: AdminPage, label: string): ReactNode => (
    <button type="button" className="btn btn-secondary" onClick={() => go(target)}>
      {label}
    </button>
  );
  return (
    <div className="layout">
      <aside className="sidebar">
        <div className="brand">
          <div className="brand-logo" aria-hidden="true">
            T
          </div>
          <div>
            <div className="brand-name">Tallyfy</div>
            <div className="brand-sub">MCP Gateway</div>
          </div>
        </div>
        <nav aria-label="Pages">
          {nav.map((item) => (
            <button
              key={item.page}
              type="button"
              className={item.page === page ? 'nav-item active' : 'nav-item'}
              aria-current={item.page === page ? 'page' : undefined}
              onClick={() => go(item.page)}
              data-nav={item.page}
              title={item.label}
            >
              <Icon name={item.icon} />
              <span>{item.label}</span>
              {item.page === 'sessions' && <SessionCount />}
            </button>
          ))}
        </nav>
        <div className="sidebar-foot">
          <GatewayControl compact />
        </div>
      </aside>
      <main className="main">
        <Suspense fallback={<p className="muted">Loading…</p>}>
          {page === 'overview' && <OverviewPage onOpen={go} />}
          {page === 'sessions' && <SessionsPage emptyAction={link('invite', 'Invite teammates')} />}
          {page === 'activity' && <ActivityPage />}
          {page === 'stats' && <StatsPage />}
          {page === 'usage' && <UsagePage />}
          {page === 'logs' && <LogsPage />}
          {page === 'chat' && <LocalChatPane onOpenSettings={() => go('settings')} />}
          {page === 'invite' && <InvitePage settingsLink={link('settings', 'Open settings')} />}
          {page === 'settings' && <SettingsPage gatewayControl={<GatewayControl />} />}
        </Suspense>
      </main>
    </div>
  );
}
