import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// Its own run, after the main suite (`pnpm test:fault`): it kills servers and loads the
// database, so nothing else should share the machine with it.
export default defineProject({
  test: {
    name: 'fault',
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['fault/**/*.test.ts'],
    // fresh-database runs last so that, when enabled, its database wins.
    globalSetup: ['./db/global-setup.ts', './fault/fresh-database.ts'],
    testTimeout: 300_000,
  },
});
