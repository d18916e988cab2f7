import { useCallback, useEffect, useState } from 'react';

import { adminPageSchema, type AdminPage } from '../../../shared/ipc/contract';

/** The page named by `#/page` (default `overview`). */
function pageFromHash(): AdminPage {
  const parsed = adminPageSchema.safeParse(window.location.hash.replace(/^#\/?/, '').split(/[?&]/)[0]);
  return parsed.success ? parsed.data : 'overview';
}

/** The current page, kept in the address (`#/sessions`) so a reload stays put. */
export function usePage(): [AdminPage, (page: AdminPage) => void] {
  const [page, setPage] = useState<AdminPage>(pageFromHash);
  useEffect(() => {
    const onHash = (): void => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = useCallback((next: AdminPage) => {
    if (window.location.hash !== `#/${next}`) history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/${next}`);
    setPage(next);
  }, []);
  return [page, go];
}
