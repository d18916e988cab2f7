import type { AdminError } from '../../../shared/ipc/result';

import { PageHeader } from './PageHeader';

/**
 * A page before its first data arrives: its title, then `Loading…`, or `Cannot <failure>: <message>`
 * once the route answered with `error`. `label` is the page's accessible name.
 */
export function PageLoading({
  label,
  title,
  failure,
  error,
}: {
  label: string;
  title: string;
  failure: string;
  error: AdminError | undefined;
}) {
  return (
    <section className="page" aria-label={label}>
      <PageHeader title={title} />
      {error ? (
        <div className="callout callout-danger">
          Cannot {failure}: {error.message}
        </div>
      ) : (
        <div className="card muted">Loading…</div>
      )}
    </section>
  );
}
