// Lets plain `node` run the TypeScript sources for the benchmark: the sources import siblings
// as `./x.js` (what tsc and the bundle want); Node's type stripping needs `./x.ts`. The hook
// retries a relative `.js` specifier that does not exist as `.ts`.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      if (err?.code === 'ERR_MODULE_NOT_FOUND' && /^\.{1,2}\/.*\.js$/.test(specifier)) {
        return nextResolve(specifier.replace(/\.js$/, '.ts'), context);
      }
      throw err;
    }
  },
});
