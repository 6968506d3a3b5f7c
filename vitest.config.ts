import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The storefront's component tests are .tsx and choose jsdom per file (// @vitest-environment jsdom);
    // the CLI's ink views are .tsx too and render to a fake terminal, no DOM.
    include: ['cli/**/*.test.ts', 'cli/**/*.test.tsx', 'services/**/*.test.ts', 'services/web/src/**/*.test.tsx', 'terraform/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.frank/**'],
    // Two files at a time: each integration file starts its own servers on a random port offset,
    // and most of a file's time is spent waiting on them, not computing.
    maxWorkers: 2,
    // The e2e files build the storefront once per run (services/web/test/e2e-support.ts).
    env: { FRANK_TEST_RUN_STARTED: String(Date.now()) },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
