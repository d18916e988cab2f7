import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Builds the desktop app without needing Electron's binary: main (ESM), preload (CommonJS, for a
 * sandboxed window) and the renderer (React). `npm run build`.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: { exclude: ['electron-store'] },
      rollupOptions: { input: { index: resolve('electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    base: './',
    // electron-vite leaves the renderer unminified unless asked (1.7 MB → about a third).
    build: { minify: true, rollupOptions: { input: { index: resolve('renderer/index.html') } } },
    plugins: [react()],
  },
});
