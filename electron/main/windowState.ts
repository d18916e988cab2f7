import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { z } from 'zod';

/** The window's last place and size. */
export const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(10_000),
  height: z.number().int().min(300).max(10_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** Default size: 1280 × 820, centered. */
export const defaultWindowState: WindowState = { width: 1280, height: 820, maximized: false };

const overlaps = (a: Rectangle, b: Rectangle): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Reads the saved state from `file`; falls back to the default when the file is missing, invalid,
 * or places the window on no connected display (a monitor was unplugged).
 */
export function loadWindowState(file: string): WindowState {
  try {
    if (!existsSync(file)) return defaultWindowState;
    const state = windowStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (state.x === undefined || state.y === undefined) return state;
    const bounds = { x: state.x, y: state.y, width: state.width, height: state.height };
    const visible = screen.getAllDisplays().some((display) => overlaps(bounds, display.workArea));
    return visible ? state : { width: state.width, height: state.height, maximized: state.maximized };
  } catch {
    return defaultWindowState;
  }
}

/** Saves `window`'s bounds to `file` on move, resize, maximize and close (debounced 500 ms). */
export function trackWindowState(window: BrowserWindow, file: string): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed()) return;
    const maximized = window.isMaximized();
    const bounds = maximized ? window.getNormalBounds() : window.getBounds();
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ ...bounds, maximized }));
    } catch {
      // Losing the window position is not worth bothering the user.
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  for (const event of ['resize', 'move'] as const) window.on(event as 'resize', later);
  for (const event of ['maximize', 'unmaximize', 'close'] as const) window.on(event as 'close', save);
}
