import { defineConfig } from 'vitest/config';

// `npm run test:scale`: several server processes on one Postgres; run by .ci/run after `npm test`.
export default defineConfig({
  test: {
    include: ['test/scale/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
