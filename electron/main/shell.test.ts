import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./testing/electronMock')).createElectronMock());

const { FakeBrowserWindow, FakeMenu, FakeNotification, FakeTray, fakeSafeStorage } = await import('./testing/electronMock');
const { AppTray, trayTooltip } = await import('./tray');
const { appMenuTemplate, installAppMenu } = await import('./appMenu');
const { ApprovalNotifier } = await import('./notifications');
const { defaultWindowState, loadWindowState, trackWindowState } = await import('./windowState');
const { safeStorageAvailable, safeStorageSecretStore } = await import('./platform/safeStorageSecretStore');
const { unavailableHandlers } = await import('./unavailableHandlers');
const { hideOnClose } = await import('./closeToTray');
const { dispatchAdmin } = await import('../core/admin/dispatch');

const actions = () => ({ open: vi.fn(), copyInviteLink: vi.fn(), startGateway: vi.fn(), stopGateway: vi.fn(), quit: vi.fn() });
const click = (item: Record<string, unknown> | undefined) => (item?.click as () => void)();

describe('the tray', () => {
  beforeEach(() => {
    FakeTray.created.length = 0;
  });

  it('shows the status in its tooltip and offers the quick actions', () => {
    const handlers = actions();
    const tray = new AppTray('/icon.png', handlers);
    tray.update({ running: true, sessions: 3, exposed: true });
    const fake = FakeTray.created[0]!;
    expect(fake.tooltip).toBe('Tallyfy MCP Gateway — running on the LAN · 3 signed in');
    click(fake.menu!.item('Copy invite link'));
    click(fake.menu!.item('Stop gateway'));
    click(fake.menu!.item('Quit'));
    expect(handlers.copyInviteLink).toHaveBeenCalledOnce();
    expect(handlers.stopGateway).toHaveBeenCalledOnce();
    expect(handlers.quit).toHaveBeenCalledOnce();
    fake.emit('click');
    expect(handlers.open).toHaveBeenCalledOnce();
  });

  it('offers start when stopped and does not rebuild an unchanged menu', () => {
    const handlers = actions();
    const tray = new AppTray('/icon.png', handlers);
    tray.update({ running: false, sessions: 0, exposed: false });
    const fake = FakeTray.created[0]!;
    const menu = fake.menu;
    expect(menu!.item('Start gateway')).toBeDefined();
    expect(menu!.item('Copy invite link')!.enabled).toBe(false);
    tray.update({ running: false, sessions: 0, exposed: false });
    expect(fake.menu).toBe(menu);
    expect(trayTooltip({ running: true, sessions: 0, exposed: false })).toContain('running on this computer');
  });
});

describe('the app menu', () => {
  it('opens each page, copies the invite and quits', () => {
    const handlers = { show: vi.fn(), copyInviteLink: vi.fn(), toggleGateway: vi.fn(), openDocs: vi.fn(), quit: vi.fn() };
    installAppMenu(handlers);
    const menu = FakeMenu.applicationMenu!;
    click(menu.item('Sessions'));
    click(menu.item('Settings'));
    click(menu.item('Copy invite link'));
    click(menu.item('Quit Tallyfy MCP Gateway'));
    expect(handlers.show.mock.calls).toEqual([['sessions'], ['settings']]);
    expect(handlers.copyInviteLink).toHaveBeenCalledOnce();
    expect(handlers.quit).toHaveBeenCalledOnce();
    const mac = appMenuTemplate(handlers, 'darwin');
    expect(mac[0]!.label).toBe('Tallyfy MCP Gateway');
    expect(JSON.stringify(appMenuTemplate(handlers, 'linux', false))).not.toContain('toggleDevTools');
  });
});

describe('approval notifications', () => {
  beforeEach(() => {
    FakeNotification.shown.length = 0;
  });
  const payload = { sessionId: 's1', user: 'You', tool: 'delete_task', local: true };

  it('notify about the desk user’s own approval only while the window is hidden, at most every 30 s', () => {
    let visible = false;
    const open = vi.fn();
    const notifier = new ApprovalNotifier({ visible: () => visible }, open);
    expect(notifier.notify(payload, 0)).toBe(true);
    expect(FakeNotification.shown[0]!.options.body).toContain('delete_task');
    expect(notifier.notify(payload, 10_000)).toBe(false);
    expect(notifier.notify(payload, 40_000)).toBe(true);
    FakeNotification.shown[0]!.emit('click');
    expect(open).toHaveBeenCalledWith(payload);
    visible = true;
    expect(notifier.notify({ ...payload, sessionId: 's2' }, 0)).toBe(false);
    visible = false;
    expect(notifier.notify({ ...payload, sessionId: 's3', local: false }, 0)).toBe(false);
  });
});

describe('the window state', () => {
  it('is saved on close and restored, falling back when the display is gone or the file is bad', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gw-window-')), 'window-state.json');
    expect(loadWindowState(file)).toEqual(defaultWindowState);
    const window = new FakeBrowserWindow({});
    window.bounds = { x: 100, y: 80, width: 1100, height: 700 };
    trackWindowState(window as never, file);
    window.emit('close');
    expect(loadWindowState(file)).toEqual({ x: 100, y: 80, width: 1100, height: 700, maximized: false });
    writeFileSync(file, JSON.stringify({ x: 5000, y: 5000, width: 900, height: 600, maximized: true }));
    expect(loadWindowState(file)).toEqual({ width: 900, height: 600, maximized: true });
    writeFileSync(file, '{nope');
    expect(loadWindowState(file)).toEqual(defaultWindowState);
  });
});

describe('the safeStorage secret store', () => {
  it('keeps only ciphertext on disk and reads it back', () => {
    let saved: Record<string, unknown> = {};
    const store = safeStorageSecretStore({ read: () => saved, write: (values) => (saved = values) });
    store.set('anthropicApiKey', 'sk-ant-secret-123456');
    expect(JSON.stringify(saved)).not.toContain('sk-ant-secret-123456');
    expect(store.get('anthropicApiKey')).toBe('sk-ant-secret-123456');
    store.set('anthropicApiKey', undefined);
    expect(store.get('anthropicApiKey')).toBeUndefined();
    saved = { tallyfyApiKey: Buffer.from('garbage').toString('base64') };
    expect(store.get('tallyfyApiKey')).toBeUndefined();
    expect(store.kind).toBe('safeStorage');
  });

  it("is not used on Linux's plain-text fallback", () => {
    expect(safeStorageAvailable()).toBe(process.platform !== 'linux' || fakeSafeStorage.backend !== 'basic_text');
    fakeSafeStorage.backend = 'basic_text';
    expect(safeStorageAvailable()).toBe(process.platform !== 'linux');
    fakeSafeStorage.backend = 'gnome_libsecret';
    fakeSafeStorage.available = false;
    expect(safeStorageAvailable()).toBe(false);
    fakeSafeStorage.available = true;
  });
});

describe('before the core exists', () => {
  it('every route answers CORE_UNAVAILABLE with the reason', async () => {
    const result = await dispatchAdmin(unavailableHandlers('The settings are invalid: port: too big'), 'sessions.list', {});
    expect(result).toEqual({ ok: false, error: { code: 'CORE_UNAVAILABLE', message: 'The settings are invalid: port: too big' } });
  });
});

describe('close-to-tray', () => {
  it('hides the window instead of closing it, tells the user once, and lets a quit through', () => {
    let quitting = false;
    const told = vi.fn();
    const window = new FakeBrowserWindow({});
    window.show();
    hideOnClose(window as never, () => quitting, told);
    const close = () => {
      let prevented = false;
      window.emit('close', { preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(close()).toBe(true);
    expect(window.isVisible()).toBe(false);
    window.show();
    expect(close()).toBe(true);
    expect(told).toHaveBeenCalledOnce();
    quitting = true;
    expect(close()).toBe(false);
  });
});
