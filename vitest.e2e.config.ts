import { defineConfig } from 'vitest/config';

// Browser tests: one Steward server on a temp SQLite database with a small demo, driven through
// Debian's Chromium by playwright-core. Run with `npm run test:e2e`.
export default defineConfig({
  test: {
    // `npm run test:crawl` (STEWARD_CRAWL=1) runs the full crawl alone (200 Account 360 pages);
    // here it runs trimmed (every route once per role and language, 25 accounts) with the others.
    include: process.env.STEWARD_CRAWL ? ['test/e2e/crawl.test.ts'] : ['test/e2e/**/*.test.ts'],
    // The SMTP catcher first: the server started by global-setup.ts sends its email there.
    globalSetup: ['test/e2e/smtp-catcher.ts', 'test/e2e/global-setup.ts'],
    // The server global-setup starts allows loopback receivers (integrations.test.ts).
    env: { STEWARD_OUTBOUND_ALLOW: '127.0.0.1' },
    testTimeout: 60_000,
    // What a page or the API shows after a click may wait behind the server's jobs on a busy CI
    // machine for more than `expect.poll`'s default second (the stop-24 CI failed so): 10 s.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 180_000,
    // One server, one browser: the files run one after another.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
