import { PageHeader } from '../components/PageHeader';
import { HealthPanel } from '../features/health/HealthPanel';
import { SessionsGlance } from '../features/sessions/SessionsGlance';
import { StatsKpis } from '../features/stats/StatsPage';
import { useLiveRoute } from '../lib/api/useLive';

/** The landing page: headline numbers and the state of every service. */
export function OverviewPage({ onOpen }: { onOpen: (page: 'sessions' | 'invite') => void }) {
  const stats = useLiveRoute('stats.get', 'stats.changed');
  return (
    <section className="page" aria-label="Overview">
      <PageHeader
        title="Overview"
        description="Your team's Tallyfy assistant, at a glance"
        actions={
          <>
            <button type="button" className="btn btn-secondary" onClick={() => onOpen('sessions')}>
              See who is connected
            </button>
            <button type="button" className="btn btn-primary" onClick={() => onOpen('invite')}>
              Invite teammates
            </button>
          </>
        }
      />
      {stats.data && <StatsKpis stats={stats.data} />}
      <div className="overview-grid">
        <SessionsGlance
          action={
            <button type="button" className="btn btn-ghost btn-small" onClick={() => onOpen('sessions')}>
              All sessions
            </button>
          }
        />
        <HealthPanel />
      </div>
    </section>
  );
}
