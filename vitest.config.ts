import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Several suites start real servers and child processes; on a 2-core machine too many
    // forks at once only makes every socket test slower.
    maxWorkers: 2,
  },
});
