import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    globalSetup: ['../tests/db/global-setup.ts', '../tests/mail/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
