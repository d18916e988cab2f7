import type { BrowserWindow } from 'electron';

/**
 * Close-to-tray: closing the window hides it (the gateway keeps serving the team) unless the app
 * is quitting. `onFirstHide` runs the first time, to tell the user where the app went.
 */
export function hideOnClose(window: BrowserWindow, isQuitting: () => boolean, onFirstHide: () => void): void {
  let told = false;
  window.on('close', (event) => {
    if (isQuitting()) return;
    event.preventDefault();
    window.hide();
    if (!told) {
      told = true;
      onFirstHide();
    }
  });
}
