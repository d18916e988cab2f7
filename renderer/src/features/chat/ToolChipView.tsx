import type { ToolChip } from './chatState';

const statusLabel: Record<ToolChip['status'], string> = {
  awaiting_approval: 'awaiting approval',
  running: 'running',
  ok: 'done',
  error: 'failed',
  denied: 'you declined · nothing changed',
  cancelled: 'cancelled',
};

/** `get_my_tasks` → `Get my tasks`. */
export function toolLabel(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What the call came to, in words for the person who asked. */
function outcome(chip: ToolChip): string {
  switch (chip.status) {
    case 'denied':
      return 'You declined this; nothing was changed.';
    case 'cancelled':
      return 'Cancelled before it ran.';
    case 'awaiting_approval':
      return 'Waiting for your answer.';
    case 'running':
      return 'Running…';
    case 'error':
      return chip.summary ?? 'It failed.';
    case 'ok':
      return chip.summary ?? 'Done.';
  }
}

/**
 * One tool call: its name, state and duration. A disclosure (click, tap, or Enter/Space on it)
 * shows what it was given and what came of it.
 */
export function ToolChipView({ chip }: { chip: ToolChip }) {
  const args = Object.entries(chip.args);
  return (
    <details className="tool-call">
      <summary
        className={`tool-chip tool-${chip.status}`}
        data-tool={chip.tool}
        data-status={chip.status}
        aria-label={`${chip.title ?? toolLabel(chip.tool)}: ${statusLabel[chip.status]}. Show details`}
      >
        <span className="tool-icon" aria-hidden="true">
          {chip.status === 'running' ? (
            <span className="spinner" />
          ) : chip.status === 'awaiting_approval' ? (
            '?'
          ) : chip.status === 'ok' ? (
            '✓'
          ) : chip.status === 'error' ? (
            '!'
          ) : (
            '×'
          )}
        </span>
        <span className="tool-name">{chip.title ?? toolLabel(chip.tool)}</span>
        <span className="tool-meta">
          {statusLabel[chip.status]}
          {chip.durationMs !== undefined && chip.status !== 'running' && chip.status !== 'awaiting_approval' && chip.status !== 'denied'
            ? ` · ${chip.durationMs < 1000 ? `${chip.durationMs} ms` : `${(chip.durationMs / 1000).toFixed(1)} s`}`
            : ''}
        </span>
      </summary>
      <div className="tool-detail">
        <div className="tool-detail-label">Tool</div>
        <code>{chip.tool}</code>
        <div className="tool-detail-label">Input</div>
        {args.length ? (
          <dl className="tool-args">
            {args.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <span className="tool-detail-none">none</span>
        )}
        <div className="tool-detail-label">Result</div>
        <span>{outcome(chip)}</span>
      </div>
    </details>
  );
}
