// A stand-in for the `electron` module: every API exists and does nothing; `app.whenReady` never resolves.
const noop = () => {};
const handler = { get: (t, k) => (k in t ? t[k] : new Proxy(function () {}, handler)), apply: () => new Proxy(function () {}, handler) };
const any = new Proxy(function () {}, handler);
export const app = { requestSingleInstanceLock: () => true, on: noop, once: noop, whenReady: () => new Promise(() => {}), getPath: () => '/tmp/estub', quit: noop, getVersion: () => '0', isPackaged: false, setAppUserModelId: noop, dock: undefined };
export const BrowserWindow = any, Tray = any, Menu = any, nativeImage = any, shell = any, ipcMain = any, session = any, safeStorage = any, Notification = any, clipboard = any, screen = any, dialog = any, nativeTheme = any;
export default { app, BrowserWindow, Tray, Menu, nativeImage, shell, ipcMain, session, safeStorage, Notification, clipboard, screen, dialog, nativeTheme };
