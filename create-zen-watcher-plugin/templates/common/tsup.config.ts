import { defineConfig } from 'tsup';

// One ESM file and its declarations in dist/. The peer dependencies (@zen-watcher/sdk, typebox)
// stay imports, not bundled: the host's copies are the ones in use.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
});
