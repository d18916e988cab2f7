import type { ReactNode } from 'react';

import { EmptyState } from '../../components/EmptyState';
import { StatusPill } from '../../components/StatusPill';
import { useLiveRoute, useNow } from '../../lib/api/useLive';
import { formatAgo, initials } from '../../lib/format';

import { describeKind, describeState } from './sessionState';

/** Who is connected right now, in a few lines (the overview's card). */
export function SessionsGlance({ action, limit = 6 }: { action?: ReactNode; limit?: number }) {
  const live = useLiveRoute('sessions.list', 'sessions.changed');
  const now = useNow(5000);
  const sessions = (live.data?.sessions ?? []).filter((session) => session.authenticated);
  return (
    <div className="card glance">
      <div className="card-head">
        <h2 className="card-title">Connected now</h2>
        {action}
      </div>
      {sessions.length === 0 ? (
        <EmptyState icon="sessions" title="Nobody is signed in">
          Teammates show up here the moment they sign in.
        </EmptyState>
      ) : (
        <ul className="glance-list">
          {sessions.slice(0, limit).map((session) => {
            const state = describeState(session);
            return (
              <li key={session.id}>
                <span className={`avatar avatar-${session.kind}`} aria-hidden="true">
                  {initials(session.user?.name ?? '?')}
                </span>
                <span className="glance-who">
                  <span className="user-name">{session.user?.name}</span>
                  <span className="user-email">
                    {session.org?.name ?? session.org?.id} · {describeKind(session)} · active {formatAgo(session.lastActiveAt, now)}
                  </span>
                </span>
                <StatusPill tone={state.tone} pulse={state.pulse}>
                  {state.label}
                </StatusPill>
              </li>
            );
          })}
          {sessions.length > limit && <li className="muted small">and {sessions.length - limit} more</li>}
        </ul>
      )}
    </div>
  );
}
