import { afterAll, describe, expect, it } from 'vitest';

import { healthSchema } from '../../../shared/types/health';

import { AdminRouteError, dispatchAdmin } from './dispatch';
import { adminFixture } from './testing/adminFixture';

describe('dispatchAdmin', () => {
  const fixture = adminFixture();
  afterAll(() => fixture.admin.close());
  const { handlers } = fixture.admin;

  it('runs a known route and returns its data', async () => {
    const result = await dispatchAdmin(handlers, 'health.get', {});
    expect(result.ok).toBe(true);
    expect(healthSchema.parse(result.ok ? result.data : undefined).uptimeSeconds).toBe(1);
  });

  it('refuses an unknown route and bad input with stable codes', async () => {
    expect(await dispatchAdmin(handlers, 'nope.do', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ROUTE' } });
    expect(await dispatchAdmin(handlers, 'health.get', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('turns a handler failure into a result with secrets scrubbed', async () => {
    const failing = {
      ...handlers,
      'health.get': () => {
        throw new AdminRouteError('BROKEN', 'failed with Bearer sk-ant-abcdefghijkl');
      },
    };
    const result = await dispatchAdmin(failing, 'health.get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'BROKEN' } });
    expect(JSON.stringify(result)).not.toContain('sk-ant-abcdefghijkl');
  });
});
