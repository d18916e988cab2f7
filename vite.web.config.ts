import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

/**
 * The browser build the gateway serves: the web chat page at `/` (chat.html) and the admin
 * view at `/admin` (index.html, the same React app the desktop window shows, over HTTP).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/web', import.meta.url)),
    emptyOutDir: true,
    rollupOptions: {
      input: { admin: resolve(root, 'index.html'), chat: resolve(root, 'chat.html') },
    },
  },
  logLevel: 'warn',
});
