import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import type { ElectronMock } from './testing/electronMock';

const userData = mkdtempSync(join(tmpdir(), 'gw-shell-'));
vi.stubEnv('GATEWAY_DATA_DIR', userData);
vi.stubEnv('GATEWAY_PORT', '0');
vi.stubEnv('GATEWAY_MCP_PORT', '0');
vi.stubEnv('ANTHROPIC_API_KEY', '');
vi.stubEnv('TALLYFY_API_KEY', '');
// TLS on loopback: the window must trust the gateway's own certificate for the local chat pane.
vi.stubEnv('GATEWAY_TLS', '1');
vi.mock('electron', async () => (await import('./testing/electronMock')).createElectronMock({ userData: process.env.GATEWAY_DATA_DIR! }));
// electron-store is conf with Electron's defaults; node_modules load the real 'electron' past vi.mock,
// so the test uses conf itself (same file format, atomic writes and file mode).
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  class ElectronStore extends Conf<Record<string, unknown>> {
    constructor({ name, ...options }: { name: string; cwd: string; configFileMode?: number; clearInvalidConfig?: boolean }) {
      super({ ...options, configName: name, projectVersion: '0.0.0-test' });
    }
  }
  return { default: ElectronStore };
});

const electron = (await import('electron')) as unknown as ElectronMock;
const { FakeBrowserWindow, FakeNotification, FakeTray } = await import('./testing/electronMock');
const { ipcChannels } = await import('../../shared/ipc/bridge');
await import('./index');

const appHandler = (name: string) => vi.mocked(electron.app.on).mock.calls.filter(([event]) => event === name).map(([, handler]) => handler as (...args: unknown[]) => void);
const window = async () => {
  await vi.waitFor(() => expect(FakeBrowserWindow.created.length).toBeGreaterThan(0), { timeout: 10_000 });
  return FakeBrowserWindow.created[0]!;
};
const invoke = async (route: string, input: unknown = {}) => {
  const main = await window();
  const handler = electron.ipcMain.handlers.get(ipcChannels.request)!;
  return handler({ sender: main.webContents, senderFrame: { url: 'file:///app/index.html' } }, route, input) as Promise<{ ok: boolean; data?: unknown }>;
};

afterAll(async () => {
  // Quitting stops the core (ports closed); the second quit goes through.
  let prevented = false;
  for (const handler of appHandler('before-quit')) handler({ preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled(), { timeout: 10_000 });
  vi.unstubAllEnvs();
});

describe('the desktop shell, booted with the electron mock', () => {
  it('starts the core and answers the admin contract over IPC from its window only', async () => {
    await vi.waitFor(async () => expect(await invoke('health.get')).toMatchObject({ ok: true, data: { status: 'ok' } }), { timeout: 10_000 });
    expect(await invoke('sessions.list')).toMatchObject({ ok: true, data: { sessions: [] } });
    const handler = electron.ipcMain.handlers.get(ipcChannels.request)!;
    expect(await handler({ sender: { id: -1 }, senderFrame: { url: 'https://evil.example/' } }, 'health.get', {})).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
  });

  it('keeps its settings with electron-store in userData, secrets masked in the answer', async () => {
    const result = await invoke('settings.update', { idleTimeoutMinutes: 7, secrets: { tallyfyApiKey: 'desk-token-0123456789' } });
    expect(result).toMatchObject({ ok: true, data: { applied: expect.arrayContaining(['idleTimeoutMinutes', 'tallyfyApiKey']) } });
    expect(JSON.stringify(result)).not.toContain('desk-token-0123456789');
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8'))).toMatchObject({ idleTimeoutMinutes: 7 });
    expect(readFileSync(join(userData, 'settings.json'), 'utf8')).not.toContain('desk-token');
    // The key is kept encrypted with safeStorage, never in clear.
    const cipher = readFileSync(join(userData, 'secrets.enc.json'), 'utf8');
    expect(JSON.parse(cipher)).toHaveProperty('tallyfyApiKey');
    expect(cipher).not.toContain('desk-token');
  });

  it('shows its status in the tray, whose Stop and Start reach the gateway', async () => {
    await vi.waitFor(() => expect(FakeTray.created[0]?.tooltip).toContain('running on this computer'), { timeout: 5000 });
    const tray = FakeTray.created[0]!;
    (tray.menu!.item('Stop gateway')!.click as () => void)();
    await vi.waitFor(async () => expect(await invoke('gateway.status')).toMatchObject({ data: { running: false } }));
    await vi.waitFor(() => expect(tray.tooltip).toContain('stopped'));
    (tray.menu!.item('Start gateway')!.click as () => void)();
    await vi.waitFor(() => expect(tray.tooltip).toContain('running'));
  });

  it('trusts exactly the gateway’s own certificate on loopback, leaving every other to Chromium', async () => {
    await vi.waitFor(async () => expect(await invoke('gateway.status')).toMatchObject({ data: { tls: { selfSigned: true } } }), { timeout: 10_000 });
    const { readFileSync } = await import('node:fs');
    const { generate } = await import('selfsigned');
    const own = readFileSync(join(userData, 'tls-cert.pem'), 'utf8');
    const stranger = (await generate([{ name: 'commonName', value: 'stranger' }], { keyType: 'ec', algorithm: 'sha256' })).cert;
    type VerifyProc = (request: { hostname: string; certificate: { data: string } }, callback: (result: number) => void) => void;
    const verify = vi.mocked(electron.session.defaultSession.setCertificateVerifyProc).mock.calls[0]![0] as VerifyProc;
    const verdict = (hostname: string, data: string) => {
      let result = NaN;
      verify({ hostname, certificate: { data } }, (value) => (result = value));
      return result;
    };
    expect(verdict('127.0.0.1', own)).toBe(0);
    expect(verdict('127.0.0.1', stranger)).toBe(-3);
    expect(verdict('example.com', own)).toBe(-3);
  });

  it('hides to the tray when the window is closed, and says so once', async () => {
    const main = await window();
    main.show();
    let prevented = false;
    main.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(main.isVisible()).toBe(false);
    expect(FakeNotification.shown.map((item) => item.options.title)).toContain('Still running');
    for (const handler of appHandler('second-instance')) handler();
    expect(main.isVisible()).toBe(true);
  });
});
