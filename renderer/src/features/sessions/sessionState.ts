import type { SessionSnapshot } from '../../../../shared/types/session';
import type { Tone } from '../../components/StatusPill';

/** A session's state in words and colour. */
export function describeState(session: SessionSnapshot): { label: string; tone: Tone; pulse: boolean } {
  if (session.detached) return { label: 'Reconnecting', tone: 'warn', pulse: true };
  switch (session.state) {
    case 'connecting':
      return { label: 'Signing in', tone: 'muted', pulse: false };
    case 'idle':
      return { label: 'Idle', tone: 'ok', pulse: false };
    case 'thinking':
      return { label: 'Thinking', tone: 'busy', pulse: true };
    case 'running_tool':
      return { label: 'Running a tool', tone: 'info', pulse: true };
    case 'awaiting_approval':
      return { label: 'Awaiting approval', tone: 'warn', pulse: true };
  }
}

/** The client in a word: `Local` (this computer), `Web` (the web chat), `WS · <client>` or `WebSocket`. */
export function describeKind(session: SessionSnapshot): string {
  if (session.kind === 'local') return 'Local';
  if (session.kind === 'web') return 'Web';
  return session.client ? `WS · ${session.client}` : 'WebSocket';
}

/** Tokens used by a session (input + output, cache included). */
export function totalTokens(session: SessionSnapshot): number {
  const usage = session.stats.usage;
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/** Text the search box matches against. */
export function searchText(session: SessionSnapshot): string {
  return [session.user?.name, session.user?.email, session.org?.name, session.org?.id, session.address, session.kind, session.client, session.id, session.node]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}
