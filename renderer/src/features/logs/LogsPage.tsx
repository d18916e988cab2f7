import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { logLevelRank, type LogEntry, type LogLevel } from '../../../../shared/types/logs';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { useBridge } from '../../lib/api/BridgeContext';
import { useAdminEvent } from '../../lib/api/useRoute';
import { formatClock } from '../../lib/format';

const keep = 1000;
const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];

function dataText(data: Record<string, unknown>): string {
  const entries = Object.entries(data);
  if (entries.length === 0) return '';
  return entries.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join('  ');
}

/** The core's log, live: already redacted by the core, filterable by level and text, pausable. */
export function LogsPage() {
  const bridge = useBridge();
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [level, setLevel] = useState<LogLevel>('info');
  const [filter, setFilter] = useState('');
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string>();
  const held = useRef<LogEntry[]>([]);
  const [heldCount, setHeldCount] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    void bridge.request('logs.list', { level: 'debug', limit: keep }).then((result) => {
      if (result.ok) setEntries((current) => [...result.data.entries, ...current.filter((entry) => entry.seq > (result.data.entries.at(-1)?.seq ?? 0))].slice(-keep));
      else setError(result.error.message);
    });
  }, [bridge]);

  const append = useCallback(
    (payload: { entries: LogEntry[] }) => {
      if (paused) {
        held.current.push(...payload.entries);
        setHeldCount(held.current.length);
        return;
      }
      setEntries((current) => [...current, ...payload.entries].slice(-keep));
    },
    [paused],
  );
  useAdminEvent('logs.appended', append);

  useEffect(() => {
    if (!paused && held.current.length > 0) {
      const more = held.current;
      held.current = [];
      setHeldCount(0);
      setEntries((current) => [...current, ...more].slice(-keep));
    }
  }, [paused]);

  const shown = useMemo(() => {
    const floor = logLevelRank[level];
    const needle = filter.trim().toLowerCase();
    return entries.filter((entry) => logLevelRank[entry.level] >= floor && (!needle || `${entry.msg} ${dataText(entry.data)}`.toLowerCase().includes(needle)));
  }, [entries, level, filter]);

  useEffect(() => {
    const element = list.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [shown]);

  return (
    <section className="page page-fill" aria-label="Logs">
      <PageHeader
        title="Logs"
        description="Live from the gateway. Keys, tokens and access codes are redacted before they reach this view."
        actions={
          <>
            <label className="search">
              <Icon name="search" size={16} />
              <input type="search" placeholder="Filter…" value={filter} onChange={(event) => setFilter(event.target.value)} aria-label="Filter logs" />
            </label>
            <div className="segmented" role="group" aria-label="Minimum level">
              {levels.map((item) => (
                <button key={item} type="button" className={item === level ? 'active' : undefined} onClick={() => setLevel(item)} aria-pressed={item === level}>
                  {item}
                </button>
              ))}
            </div>
            <button type="button" className="btn btn-secondary" onClick={() => setPaused((value) => !value)} aria-pressed={paused}>
              <Icon name={paused ? 'play' : 'pause'} size={16} />
              {paused ? `Resume${heldCount ? ` (${heldCount})` : ''}` : 'Pause'}
            </button>
          </>
        }
      />
      {error && <div className="callout callout-danger">Cannot read the logs: {error}</div>}
      <div
        className="card log-card"
        ref={list}
        onScroll={(event) => {
          const element = event.currentTarget;
          stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
        }}
        data-testid="logs"
      >
        {shown.length === 0 ? (
          <EmptyState icon="logs" title={entries.length ? 'No entry matches the filter' : 'No log entries yet'}>
            {entries.length ? 'Lower the level or clear the filter.' : 'Entries appear here as the gateway works.'}
          </EmptyState>
        ) : (
          <ol className="log-list">
            {shown.map((entry) => (
              <li key={entry.seq} className={`log log-${entry.level}`}>
                <time className="log-time">{formatClock(entry.time)}</time>
                <span className={`log-level level-${entry.level}`}>{entry.level}</span>
                <span className="log-msg">{entry.msg}</span>
                <span className="log-data">{dataText(entry.data)}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
