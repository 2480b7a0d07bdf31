import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'tests',
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['./db/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // One browser at a time on a 2-core machine.
    fileParallelism: false,
  },
});
