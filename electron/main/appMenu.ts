import { Menu, type MenuItemConstructorOptions } from 'electron';

import type { AdminPage } from '../../shared/ipc/contract';

export interface AppMenuActions {
  show(page: AdminPage): void;
  copyInviteLink(): void;
  toggleGateway(): void;
  openDocs(): void;
  quit(): void;
}

const pages: [AdminPage, string, string][] = [
  ['overview', 'Overview', 'CmdOrCtrl+1'],
  ['sessions', 'Sessions', 'CmdOrCtrl+2'],
  ['stats', 'Stats', 'CmdOrCtrl+3'],
  ['logs', 'Logs', 'CmdOrCtrl+4'],
  ['chat', 'Chat', 'CmdOrCtrl+5'],
  ['invite', 'Invite', 'CmdOrCtrl+6'],
  ['settings', 'Settings', 'CmdOrCtrl+,'],
];

/** The application menu: the app, Edit, View (one entry per page), Gateway, Window, Help. */
export function appMenuTemplate(actions: AppMenuActions, platform: NodeJS.Platform = process.platform, dev = false): MenuItemConstructorOptions[] {
  const quit: MenuItemConstructorOptions = { label: 'Quit Tallyfy MCP Gateway', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() };
  return [
    ...(platform === 'darwin'
      ? [{ label: 'Tallyfy MCP Gateway', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { type: 'separator' }, quit] } as MenuItemConstructorOptions]
      : [{ label: 'File', submenu: [quit] } as MenuItemConstructorOptions]),
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...pages.map(([page, label, accelerator]): MenuItemConstructorOptions => ({ label, accelerator, click: () => actions.show(page) })),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        ...(dev ? [{ type: 'separator' } as MenuItemConstructorOptions, { role: 'reload' } as MenuItemConstructorOptions, { role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      ],
    },
    {
      label: 'Gateway',
      submenu: [
        { label: 'Copy invite link', accelerator: 'CmdOrCtrl+Shift+C', click: () => actions.copyInviteLink() },
        { label: 'Start or stop the gateway', click: () => actions.toggleGateway() },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Documentation', click: () => actions.openDocs() }] },
  ];
}

/** Installs the application menu. */
export function installAppMenu(actions: AppMenuActions, dev = false): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(actions, process.platform, dev)));
}
