import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'web/src/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    globalSetup: ['test/helpers/global-setup.ts'],
    // scrypt hashing and real databases make some tests slower than vitest's 5 s default.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend for them (and for PostgreSQL connections).
    maxWorkers: 2,
  },
});
