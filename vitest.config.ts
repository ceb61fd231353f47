import { defineConfig } from 'vitest/config';

// Everything that touches storage runs twice: once on the embedded store (PGlite) and once on a
// PostgreSQL server; `GATEHOUSE_TEST_STORE` tells test helpers which store to open. Pure rules
// (priority, clocks, burn rates, Merkle proofs, PII recognizers) run once, in `unit`.
const STORE_TESTS = ['test/**/*.test.ts', 'src/db/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/db/**'] },
      },
      {
        extends: true,
        test: { name: 'pglite', include: STORE_TESTS, env: { GATEHOUSE_TEST_STORE: 'pglite' } },
      },
      {
        extends: true,
        test: { name: 'postgres', include: STORE_TESTS, env: { GATEHOUSE_TEST_STORE: 'postgres' } },
      },
    ],
  },
});
