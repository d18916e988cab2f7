import type { ReactNode } from 'react';

export type Tone = 'ok' | 'busy' | 'warn' | 'danger' | 'muted' | 'info';

/** A rounded status label with a dot. */
export function StatusPill({ tone, children, pulse = false }: { tone: Tone; children: ReactNode; pulse?: boolean }) {
  return (
    <span className={`pill pill-${tone}`}>
      <span className={pulse ? 'pill-dot pulse' : 'pill-dot'} aria-hidden="true" />
      {children}
    </span>
  );
}
