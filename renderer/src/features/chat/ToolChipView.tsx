import type { ToolChip } from './chatState';

const statusLabel: Record<ToolChip['status'], string> = {
  awaiting_approval: 'awaiting approval',
  running: 'running',
  ok: 'done',
  error: 'failed',
  denied: 'not allowed',
  cancelled: 'cancelled',
};

/** `get_my_tasks` → `Get my tasks`. */
export function toolLabel(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function argsLine(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** One tool call: its name, state and duration; arguments and outcome on hover. */
export function ToolChipView({ chip }: { chip: ToolChip }) {
  const args = argsLine(chip.args);
  const tooltip = [chip.tool, args && `(${args})`, chip.summary].filter(Boolean).join('\n');
  return (
    <span className={`tool-chip tool-${chip.status}`} title={tooltip} data-tool={chip.tool} data-status={chip.status}>
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
    </span>
  );
}
