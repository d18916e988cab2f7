import type { ReactNode } from 'react';

import { EmptyState } from '../../components/EmptyState';

/** Shown instead of the local chat when it cannot start: why, and what to do. */
export function LocalChatSetup({ reason, action }: { reason: string; action?: ReactNode }) {
  return (
    <div className="card">
      <EmptyState icon="chat" title="Your own chat is not ready" action={action}>
        {reason}
      </EmptyState>
    </div>
  );
}
