/** Says in the chat header which assistant answers: nothing for Claude, a clear label for direct tool mode. */
export function ModeBadge({ mode }: { mode: 'claude' | 'direct' | undefined }) {
  if (mode !== 'direct') return null;
  return (
    <span className="mode-badge" data-mode={mode} title="Claude is not connected on this gateway: only tool commands such as /tools work.">
      Direct tool mode
    </span>
  );
}
