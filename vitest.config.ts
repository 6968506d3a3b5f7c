import { defineConfig } from 'vitest/config';

// The storefront's component tests are .tsx and choose jsdom per file (// @vitest-environment jsdom);
// the CLI's ink views are .tsx too and render to a fake terminal, no DOM.
const TESTS = ['cli/**/*.test.ts', 'cli/**/*.test.tsx', 'services/**/*.test.ts', 'services/web/src/**/*.test.tsx', 'terraform/**/*.test.ts'];
const EXCLUDE = ['**/node_modules/**', '**/.frank/**'];
const INTEGRATION = TESTS.filter((glob) => glob.endsWith('.test.ts')).map((glob) => glob.replace(/\.test\.ts$/, '.int.test.ts'));

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    projects: [
      // No servers: two files at a time, first.
      { extends: true, test: { name: 'unit', include: TESTS, exclude: [...EXCLUDE, ...INTEGRATION], sequence: { groupOrder: 0 } } },
      // Integration tests start real servers; one file at a time keeps a 2-core machine responsive.
      {
        extends: true,
        test: { name: 'integration', include: INTEGRATION, exclude: EXCLUDE, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
