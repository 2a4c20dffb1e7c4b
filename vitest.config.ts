import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@zen-watcher/source'] },
  ssr: { resolve: { conditions: ['@zen-watcher/source'] } },
  test: {
    include: ['sdk/src/**/*.test.ts', 'core/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'plugins/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    // The JSON report is what .ci/run counts; the default reporter is what people read.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    hookTimeout: 60_000,
  },
});
