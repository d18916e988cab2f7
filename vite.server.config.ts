import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const manifest = JSON.parse(readFileSync(here('./package.json'), 'utf8')) as { dependencies: Record<string, string> };
/** Production dependencies stay outside the bundle: `npm ci --omit=dev` installs them next to it. */
const dependencies = Object.keys(manifest.dependencies);
const external = (id: string): boolean =>
  id.startsWith('node:') || builtinModules.includes(id) || dependencies.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * The headless server build (`npm run build:server`): the core's plain-Node entries bundled into
 * `out/server/` — `serve.js` (`npm run serve` / `demo`), `stdio.js` (`npm run mcp:stdio`) and
 * `sandbox-cli.js` (`npm run sandbox`). Our TypeScript is compiled and bundled, so running them needs
 * neither `tsx` nor any dev dependency; what a mode does not use (the agent SDK without a key,
 * the sandbox when not asked for) sits in chunks loaded on demand.
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
        stdio: here('./electron/core/mcp/stdio.ts'),
        // The file name must end in cli.js: cli.ts runs main() only when started as a program.
        'sandbox-cli': here('./electron/core/tallyfy/sandbox/cli.ts'),
      },
      external,
      output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { target: 'node' },
});
