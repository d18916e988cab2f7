import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { Fragment, useMemo, useState, type ReactNode } from 'react';

import type { SessionSnapshot } from '../../../../shared/types/session';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { StatusPill } from '../../components/StatusPill';
import { useLiveRoute, useNow } from '../../lib/api/useLive';
import { formatAgo, formatDuration, formatNumber, initials } from '../../lib/format';

import { KickDialog } from './KickDialog';
import { SessionDetails } from './SessionDetails';
import { describeKind, describeState, searchText, totalTokens } from './sessionState';

const column = createColumnHelper<SessionSnapshot>();

/**
 * Who is connected and what they are doing: a live, searchable, sortable table with row details
 * (recent tool calls) and a kick with a reason. `emptyAction` is shown when nobody is connected.
 */
/** Time left before an idle session closes; amber in its last five minutes. */
function expiresIn(at: number, now: number): ReactNode {
  const left = at - now;
  return <span className={left < 5 * 60_000 ? 'warn-text' : undefined}>{left > 0 ? formatDuration(left) : 'now'}</span>;
}

export function SessionsPage({ emptyAction }: { emptyAction?: ReactNode }) {
  const live = useLiveRoute('sessions.list', 'sessions.changed');
  const now = useNow(1000);
  const [search, setSearch] = useState('');
  const [sorting, setSorting] = useState<SortingState>([{ id: 'connectedAt', desc: true }]);
  const [expanded, setExpanded] = useState<string>();
  const [kicking, setKicking] = useState<SessionSnapshot>();
  const sessions = useMemo(() => live.data?.sessions ?? [], [live.data]);
  const clustered = sessions.some((session) => session.node !== undefined);

  const columns = useMemo(
    () => [
      column.accessor((row) => row.user?.name ?? '', {
        id: 'user',
        header: 'User',
        cell: ({ row }) => {
          const session = row.original;
          const name = session.user?.name ?? (session.kind === 'local' ? 'You (local)' : 'Not signed in');
          return (
            <div className="user-cell" title={session.user ? `${name} <${session.user.email}>` : undefined}>
              <span className={`avatar avatar-${session.kind}`} aria-hidden="true">
                {session.user ? initials(session.user.name) : '·'}
              </span>
              <span>
                <span className="user-name">{name}</span>
                <span className="user-email">{session.user?.email ?? session.address}</span>
              </span>
            </div>
          );
        },
      }),
      column.accessor((row) => row.org?.name ?? row.org?.id ?? '', { id: 'org', header: 'Organization', cell: (info) => info.getValue() || <span className="muted">—</span> }),
      // Cluster mode only (shown when a row has a node): which gateway node holds the session.
      column.accessor((row) => row.node ?? '', { id: 'node', header: 'Node', cell: (info) => <span className="mono" data-testid="session-node">{info.getValue()}</span> }),
      // The address sits under the client kind (one column less: the table fits 1280 px with Disconnect in view).
      column.accessor((row) => describeKind(row), {
        id: 'kind',
        header: 'Client',
        cell: (info) => (
          <span className="client-cell">
            <span className={`tag tag-${info.row.original.kind}`}>{info.getValue()}</span>
            <span className="mono client-address">{info.row.original.address}</span>
          </span>
        ),
      }),
      column.accessor('connectedAt', { header: 'Connected', cell: (info) => formatAgo(info.getValue(), now), sortDescFirst: true }),
      column.accessor('lastActiveAt', {
        header: 'Last active',
        // A cluster's extra Node column takes the width of Expires in: the expiry then sits under the last activity.
        cell: (info) =>
          clustered ? (
            <span className="client-cell">
              <span>{formatAgo(info.getValue(), now)}</span>
              <span className="client-address">expires in {expiresIn(info.row.original.expiresAt, now)}</span>
            </span>
          ) : (
            formatAgo(info.getValue(), now)
          ),
        sortDescFirst: true,
      }),
      column.accessor('expiresAt', { header: 'Expires in', cell: (info) => expiresIn(info.getValue(), now) }),
      column.accessor('state', {
        header: 'State',
        cell: (info) => {
          const state = describeState(info.row.original);
          return (
            <StatusPill tone={state.tone} pulse={state.pulse}>
              {state.label}
            </StatusPill>
          );
        },
      }),
      column.accessor((row) => row.stats.queries, { id: 'queries', header: 'Queries', meta: { numeric: true } }),
      column.accessor((row) => row.stats.toolCalls, { id: 'toolCalls', header: 'Tool calls', meta: { numeric: true } }),
      column.accessor((row) => totalTokens(row), { id: 'tokens', header: 'Tokens', cell: (info) => formatNumber(info.getValue(), true), meta: { numeric: true } }),
      column.accessor((row) => row.stats.errors, {
        id: 'errors',
        header: 'Errors',
        cell: (info) => <span className={info.getValue() > 0 ? 'danger-text' : undefined}>{info.getValue()}</span>,
        meta: { numeric: true },
      }),
      column.display({
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => (
          <button
            type="button"
            className="btn btn-ghost btn-small danger-hover"
            onClick={(event) => {
              event.stopPropagation();
              setKicking(row.original);
            }}
            aria-label={`Disconnect ${row.original.user?.name ?? 'session'}`}
            data-testid="kick"
          >
            Disconnect
          </button>
        ),
      }),
    ],
    [now, clustered],
  );

  // TanStack Table returns functions React Compiler cannot memoize; this component is not compiled.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: sessions,
    columns,
    state: { sorting, globalFilter: search, columnVisibility: { node: clustered, expiresAt: !clustered } },
    onSortingChange: setSorting,
    onGlobalFilterChange: setSearch,
    globalFilterFn: (row, _id, value: string) => searchText(row.original).includes(value.trim().toLowerCase()),
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });

  // A closed tab waits a short while for its page to come back ("Reconnecting"): not counted as signed in (as in the sidebar).
  const signedIn = sessions.filter((session) => session.authenticated && !session.detached).length;
  const reconnecting = sessions.filter((session) => session.authenticated && session.detached).length;
  const busy = sessions.filter((session) => session.state !== 'idle' && session.state !== 'connecting').length;
  const rows = table.getRowModel().rows;

  return (
    <section className="page" aria-label="Sessions">
      <PageHeader
        title="Sessions"
        description={
          <>
            <span data-testid="sessions-count">{signedIn}</span> signed in
            {reconnecting > 0 && <> · {reconnecting} closed the page (kept a moment in case it comes back)</>} · {busy} working right now · updates live
          </>
        }
        actions={
          <label className="search">
            <Icon name="search" size={16} />
            <input type="search" placeholder="Search people, orgs, addresses…" value={search} onChange={(event) => setSearch(event.target.value)} aria-label="Search sessions" />
          </label>
        }
      />
      {live.error && !live.data && <div className="callout callout-danger">Cannot read the sessions: {live.error.message}</div>}
      {live.data && sessions.length === 0 ? (
        <div className="card">
          <EmptyState icon="sessions" title="Nobody is connected yet" action={emptyAction}>
            Teammates appear here the moment they sign in on the web chat page or with a WebSocket client. Share the invite link to get them started.
          </EmptyState>
        </div>
      ) : (
        <div className="card table-card">
          <table className="data-table sessions-table" data-testid="sessions-table">
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    const numeric = (header.column.columnDef.meta as { numeric?: boolean } | undefined)?.numeric;
                    return (
                      <th
                        key={header.id}
                        className={numeric ? 'num' : undefined}
                        aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                      >
                        {header.column.getCanSort() ? (
                          <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()}>
                            {flexRender(header.column.columnDef.header, header.getContext())}
                            <span className="sort-mark" aria-hidden="true">
                              {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                            </span>
                          </button>
                        ) : (
                          flexRender(header.column.columnDef.header, header.getContext())
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody>
              {rows.map((row) => (
                <Fragment key={row.id}>
                  <tr
                    className={expanded === row.id ? 'row expanded' : 'row'}
                    onClick={() => setExpanded((current) => (current === row.id ? undefined : row.id))}
                    data-testid="session-row"
                    data-user={row.original.user?.name ?? ''}
                    aria-expanded={expanded === row.id}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td
                        key={cell.id}
                        className={(cell.column.columnDef.meta as { numeric?: boolean } | undefined)?.numeric ? 'num' : undefined}
                        // On phones each row is a card: these name the cell and label its value (styles.css).
                        data-col={cell.column.id}
                        data-label={typeof cell.column.columnDef.header === 'string' ? cell.column.columnDef.header : undefined}
                      >
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                  {expanded === row.id && (
                    <tr className="details-row">
                      <td colSpan={row.getVisibleCells().length}>
                        <SessionDetails session={row.original} now={now} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
              {rows.length === 0 && sessions.length > 0 && (
                <tr>
                  <td colSpan={columns.length} className="muted center">
                    No session matches “{search}”.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <KickDialog session={kicking} onClose={() => setKicking(undefined)} />
    </section>
  );
}
