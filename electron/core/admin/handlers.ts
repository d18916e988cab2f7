import type { Core } from '../createCore';

import type { AdminHandlers } from './dispatch';

/** The admin handlers over a running core. Shared by the IPC and HTTP transports. */
export function createAdminHandlers(core: Pick<Core, 'health'>): AdminHandlers {
  return {
    'health.get': () => core.health(),
  };
}
