import { describe, expect, it } from 'vitest';

import { healthSchema, type Health } from '../../../shared/types/health';

import { AdminRouteError, dispatchAdmin } from './dispatch';
import { createAdminHandlers } from './handlers';

const health: Health = {
  status: 'ok',
  name: 'Tallyfy MCP Gateway',
  version: '0.0.0',
  uptimeSeconds: 3,
  mode: 'sandbox',
  agent: 'direct',
  services: { gateway: { running: true }, mcp: { running: false }, sandbox: { running: true } },
  sessions: { active: 0, peak: 0 },
};

describe('dispatchAdmin', () => {
  const handlers = createAdminHandlers({ health: () => health });

  it('runs a known route and returns its data', async () => {
    const result = await dispatchAdmin(handlers, 'health.get', {});
    expect(result.ok).toBe(true);
    expect(healthSchema.parse(result.ok ? result.data : undefined).uptimeSeconds).toBe(3);
  });

  it('refuses an unknown route and bad input with stable codes', async () => {
    expect(await dispatchAdmin(handlers, 'nope.do', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ROUTE' } });
    expect(await dispatchAdmin(handlers, 'health.get', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('turns a handler failure into a result with secrets scrubbed', async () => {
    const failing = {
      'health.get': () => {
        throw new AdminRouteError('BROKEN', 'failed with Bearer sk-ant-abcdefghijkl');
      },
    };
    const result = await dispatchAdmin(failing, 'health.get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'BROKEN' } });
    expect(JSON.stringify(result)).not.toContain('sk-ant-abcdefghijkl');
  });
});
