import { defineConfig } from 'vitest/config';

// Browser tests: one Steward server on a temp SQLite database with a small demo, driven through
// Debian's Chromium by playwright-core. Run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One server, one browser: the files run one after another.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
