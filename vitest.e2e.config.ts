import { defineConfig } from 'vitest/config';

// Browser tests: one Steward server on a temp SQLite database with a small demo, driven through
// Debian's Chromium by playwright-core. Run with `npm run test:e2e`.
export default defineConfig({
  test: {
    // The crawl (every route, 200 Account 360 pages, each role, both languages) runs on its own:
    // `npm run test:crawl`. It takes over 10 minutes on this machine and fails today (see issue 12).
    include: process.env.STEWARD_CRAWL ? ['test/e2e/crawl.test.ts'] : ['test/e2e/**/*.test.ts'],
    exclude: process.env.STEWARD_CRAWL ? [] : ['test/e2e/crawl.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One server, one browser: the files run one after another.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
