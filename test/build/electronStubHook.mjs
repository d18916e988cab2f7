// Loaded with `node --import ./test/build/electronStubHook.mjs`: resolves `electron` to a stub, so
// the built main bundle can be imported in plain Node (the real binary cannot be downloaded here).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === 'electron') return { url: ${JSON.stringify(new URL('./electronStub.mjs', import.meta.url).href)}, shortCircuit: true };
        return next(specifier, context);
      }
    `),
);
