import { defineConfig } from 'vitest/config';

// Suites that touch the database run twice, once per dialect; the rest run once. Browser suites drive Debian's
// chromium and start their own server on in-memory SQLite.
const DATABASE_SUITES = ['test/api/**/*.test.ts', 'test/db/**/*.test.ts', 'test/calls/**/*.test.ts', 'test/web/**/*.test.ts'];

export default defineConfig({
  test: {
    // Generous: a test that starts a server and sends dozens of requests took 34 s on this 2-core machine at load 10.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/providers/**/*.test.ts', 'test/voice/**/*.test.ts'] },
      },
      { extends: true, test: { name: 'sqlite', include: DATABASE_SUITES, env: { VOICEX_TEST_DB: 'sqlite' } } },
      { extends: true, test: { name: 'postgres', include: DATABASE_SUITES, env: { VOICEX_TEST_DB: 'postgres' } } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], env: { VOICEX_TEST_DB: 'sqlite' } } },
    ],
  },
});
