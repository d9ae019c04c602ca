import { defineConfig } from 'vitest/config';
import { ALL_TEST_FILES, E2E_FILES } from './test/e2e-files.js';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Several suites start real servers and child processes; on a 2-core machine too many
    // forks at once only makes every socket test slower.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ALL_TEST_FILES, exclude: E2E_FILES, testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: E2E_FILES,
          // Every wait in these tests is on an event (a printed line, an exit, a connection); the
          // timeouts only bound a hang. CI runs on shared 2-core machines at load 10-15, where a
          // CLI start alone can take 10 s: a 30 s bound failed there for tests that pass.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
