import { defineConfig } from 'vitest/config';

// `npm run test:faults`: server processes and a private Postgres cluster that the tests stop, kill and restart;
// run by .ci/run after `npm run test:scale`. One file at a time: they measure outages and shutdowns.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
