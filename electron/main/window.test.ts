import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./testing/electronMock')).createElectronMock());

const electron = await import('electron');
const { FakeBrowserWindow } = await import('./testing/electronMock');
const { createMainWindow } = await import('./window');
const { contentSecurityPolicy, isExternalUrl } = await import('./security');

describe('the main window', () => {
  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
    vi.mocked(electron.shell.openExternal).mockClear();
  });

  it('is isolated, sandboxed and without Node, with the CommonJS preload', () => {
    createMainWindow({ baseDir: '/app/out/main' });
    const prefs = FakeBrowserWindow.created[0]!.options.webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(FakeBrowserWindow.created[0]!.loadedUrl).toBe('file:///app/out/renderer/index.html');
  });

  it('blocks navigation away from the app and opens external links in the system browser', () => {
    createMainWindow({ baseDir: '/app/out/main' });
    const contents = FakeBrowserWindow.created[0]!.webContents;
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://evil.example/');
    expect(contents.fire('will-navigate', 'file:///app/out/renderer/index.html')).toBe(false);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies new windows, sending web links to the system browser', () => {
    createMainWindow({ baseDir: '/app/out/main' });
    const contents = FakeBrowserWindow.created[0]!.webContents;
    expect(contents.windowOpenHandler!({ url: 'https://tallyfy.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('has a strict CSP and a narrow idea of external links', () => {
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).toContain("object-src 'none'");
    expect(isExternalUrl('file:///x')).toBe(false);
    expect(isExternalUrl('not a url')).toBe(false);
  });
});
