import { afterAll, describe, expect, it, vi } from 'vitest';

import type { ElectronMock } from '../testing/electronMock';

vi.mock('electron', async () => (await import('../testing/electronMock')).createElectronMock());

const electron = (await import('electron')) as unknown as ElectronMock;
const { FakeWebContents } = await import('../testing/electronMock');
const { registerIpc, sendAdminEvent } = await import('./register');
const { adminFixture } = await import('../../core/admin/testing/adminFixture');
const { ipcChannels } = await import('../../../shared/ipc/bridge');

const health = {
  status: 'ok' as const,
  name: 'Gateway',
  version: '1.0.0',
  uptimeSeconds: 1,
  mode: 'live' as const,
  agent: 'direct' as const,
  services: { gateway: { running: true }, mcp: { running: true }, sandbox: { running: false } },
  sessions: { active: 2, peak: 3 },
};

describe('registerIpc', () => {
  const trusted = new FakeWebContents();
  const stranger = new FakeWebContents();
  const fixture = adminFixture({ health: () => health });
  afterAll(() => fixture.admin.close());
  registerIpc(() => fixture.admin.handlers, (contents) => contents.id === trusted.id);
  const handler = electron.ipcMain.handlers.get(ipcChannels.request)!;
  const call = (sender: InstanceType<typeof FakeWebContents>, route: unknown, input: unknown) =>
    handler({ sender, senderFrame: { url: 'file:///app/index.html' } }, route, input);

  it('answers a trusted window through the admin contract', async () => {
    expect(await call(trusted, 'health.get', {})).toMatchObject({ ok: true, data: { sessions: { active: 2 } } });
  });

  it('refuses an untrusted sender, an unknown route and bad input', async () => {
    expect(await call(stranger, 'health.get', {})).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    expect(await call(trusted, 'shell.exec', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ROUTE' } });
    expect(await call(trusted, 'health.get', 'nope')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('pushes events on the event channel', () => {
    sendAdminEvent(trusted as never, 'health.changed', health);
    expect(trusted.sent.at(-1)).toEqual([ipcChannels.event, 'health.changed', health]);
  });
});
