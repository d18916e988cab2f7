import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';

/** What the tray shows. */
export interface TrayStatus {
  /** True while teammates can connect. */
  running: boolean;
  /** Signed-in sessions. */
  sessions: number;
  /** True when the gateway is on the LAN. */
  exposed: boolean;
}

/** What the tray's menu can do. */
export interface TrayActions {
  open(): void;
  copyInviteLink(): void;
  startGateway(): void;
  stopGateway(): void;
  quit(): void;
}

/** The tooltip, e.g. `Tallyfy MCP Gateway — running on the LAN · 3 signed in`. */
export function trayTooltip(status: TrayStatus): string {
  const where = status.running ? (status.exposed ? 'running on the LAN' : 'running on this computer') : 'stopped';
  return `Tallyfy MCP Gateway — ${where} · ${status.sessions} signed in`;
}

/** The tray's context menu for `status`. */
export function trayMenuTemplate(status: TrayStatus, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: trayTooltip(status).replace('Tallyfy MCP Gateway — ', ''), enabled: false },
    { type: 'separator' },
    { label: 'Open Tallyfy MCP Gateway', click: () => actions.open() },
    { label: 'Copy invite link', enabled: status.running, click: () => actions.copyInviteLink() },
    status.running ? { label: 'Stop gateway', click: () => actions.stopGateway() } : { label: 'Start gateway', click: () => actions.startGateway() },
    { type: 'separator' },
    { label: 'Quit', click: () => actions.quit() },
  ];
}

/** The tray icon: status in the tooltip and menu, quick actions, click to open. */
export class AppTray {
  readonly #tray: Tray;
  readonly #actions: TrayActions;
  #last = '';

  constructor(iconPath: string, actions: TrayActions) {
    const image = nativeImage.createFromPath(iconPath);
    this.#tray = new Tray(image.isEmpty() ? image : image.resize({ width: 18, height: 18 }));
    this.#actions = actions;
    this.#tray.on('click', () => actions.open());
    this.update({ running: false, sessions: 0, exposed: false });
  }

  /** Rebuilds the menu and tooltip when the status changed. */
  update(status: TrayStatus): void {
    const key = JSON.stringify(status);
    if (key === this.#last) return;
    this.#last = key;
    this.#tray.setToolTip(trayTooltip(status));
    this.#tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(status, this.#actions)));
  }

  destroy(): void {
    this.#tray.destroy();
  }
}
