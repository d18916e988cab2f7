// Loaded with `node --import tsx --import ./test/guard/noElectron.mjs`: any attempt to load
// `electron` (ESM import or CommonJS require) prints a marker and exits 97.
import Module, { register } from 'node:module';

const fail = (how, specifier) => {
  process.stderr.write(`ELECTRON_LOADED: ${how} of "${specifier}"\n`);
  process.exit(97);
};

const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  if (request === 'electron' || request.startsWith('electron/')) fail('require', request);
  return originalLoad.call(this, request, ...rest);
};

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === 'electron' || specifier.startsWith('electron/')) {
          // Node 22+ runs these hooks on their own thread, where process.stderr is lost on exit: write synchronously.
          (await import('node:fs')).writeSync(2, 'ELECTRON_LOADED: import of "' + specifier + '"\\n');
          process.exit(97);
        }
        return next(specifier, context);
      }
    `),
  import.meta.url,
);
