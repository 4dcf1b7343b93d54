import { defineConfig } from 'vitest/config';

// Files that replace a module with vi.mock need a module registry of their own; every other file
// shares its worker's, so the app's modules are imported once per worker, not once per file (a
// third of the suite's time).
const MOCKING = [
  'test/integration/ingest-rollups.test.ts',
  'test/integration/metric-rebuild-failure.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    // scrypt hashing and real databases make some tests slower than vitest's 5 s default.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend for them (and for PostgreSQL connections).
    maxWorkers: 2,
    // A project's include and exclude add to the root's, so the root names no files.
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: [
            'src/**/*.test.ts',
            'web/src/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: MOCKING,
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: MOCKING } },
    ],
  },
});
