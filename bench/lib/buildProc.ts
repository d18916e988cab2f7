import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

import { build } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const built = new Map<string, Promise<string>>();

/**
 * Bundles `bench/procs/<name>.ts` the way `vite.server.config.ts` bundles the shipped server (ESM,
 * dependencies inside, no name-keeping transform) into `out/bench/<name>.js` and returns that path;
 * once per bench run. Memory figures must come from the code as shipped: tsx compiles with esbuild's
 * `keepNames`, which gives every function a `name` property and its own property store (~250 bytes
 * per closure, about 6.7 KiB per idle session in a heap snapshot), something `npm run serve` never carries.
 */
export function buildProc(name: string): Promise<string> {
  let path = built.get(name);
  if (!path) {
    path = (async () => {
      await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          ssr: true,
          target: 'node20.19',
          outDir: here('../../out/bench'),
          emptyOutDir: false,
          minify: false,
          rollupOptions: {
            input: { [name]: here(`../procs/${name}.ts`) },
            external: (id: string) => id.startsWith('node:') || builtinModules.includes(id) || id === 'vite',
            output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: `${name}-chunks/[name]-[hash].js` },
          },
        },
        ssr: { target: 'node', noExternal: true },
      });
      return here(`../../out/bench/${name}.js`);
    })();
    built.set(name, path);
  }
  return path;
}
