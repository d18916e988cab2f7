import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
/** Only Node's own modules stay outside: the dependencies are bundled too (fewer files to resolve and read at start-up). */
const external = (id: string): boolean => id.startsWith('node:') || builtinModules.includes(id);

/**
 * The headless server build (`npm run build:server`): the core's plain-Node entries and their
 * dependencies bundled into `out/server/` — `serve.js` (`npm run serve` / `demo`), `stdio.js` (`npm run mcp:stdio`) and
 * `sandbox-cli.js` (`npm run sandbox`). Running them needs neither `tsx` nor any dev dependency
 * (not even node_modules: `npm ci --omit=dev` is still what a headless box runs, for the desktop
 * app's packaging). What a mode does not use (the Anthropic SDK without a key, the sandbox when not
 * asked for) sits in chunks loaded on demand. Start to /healthz: about half of the tsx entry's
 * time (bench §7, docs/performance.md).
 */
export default defineConfig({
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node20.19',
    outDir: here('./out/server'),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: {
        serve: here('./electron/core/serve.ts'),
        stdio: here('./electron/core/mcp/transports/stdio.ts'),
        // The file name must end in cli.js: cli.ts runs main() only when started as a program.
        'sandbox-cli': here('./electron/core/tallyfy/sandbox/cli.ts'),
      },
      external,
      output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { target: 'node', noExternal: true },
});
