import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start real servers; keep the pool small on 2-core CI machines.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
