import { defineConfig } from 'vitest/config';

// The whole suite runs twice: once on the embedded store (PGlite) and once on a PostgreSQL
// server. `GATEHOUSE_TEST_STORE` tells test helpers which store to open.
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          env: { GATEHOUSE_TEST_STORE: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          env: { GATEHOUSE_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
