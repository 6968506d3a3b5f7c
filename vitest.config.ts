import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The storefront's component tests are .tsx and choose jsdom per file (// @vitest-environment jsdom);
    // the CLI's ink views are .tsx too and render to a fake terminal, no DOM.
    include: ['cli/**/*.test.ts', 'cli/**/*.test.tsx', 'services/**/*.test.ts', 'services/web/src/**/*.test.tsx', 'terraform/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.frank/**'],
    // Integration tests start real servers; one file at a time keeps a 2-core machine responsive.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
