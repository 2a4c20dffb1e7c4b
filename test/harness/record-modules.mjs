// Preloaded into a zen-watcher process (NODE_OPTIONS="--import <this file>") with
// ZW_RECORD_MODULES=<file>: appends the URL of every module the process resolves to that file,
// one a line, so a test can tell whether a dependency was loaded at all.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.ZW_RECORD_MODULES;
if (out) {
  const seen = new Set();
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      if (!seen.has(resolved.url)) {
        seen.add(resolved.url);
        appendFileSync(out, `${resolved.url}\n`);
      }
      return resolved;
    },
  });
}
