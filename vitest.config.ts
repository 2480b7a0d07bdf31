import { defineConfig } from 'vitest/config';

// One run, one project per package. Server and cross-package tests need a database:
// tests/db/global-setup.ts provides MONGODB_URI (yours, or an embedded mongod).
export default defineConfig({
  test: {
    projects: ['shared', 'server', 'widget', 'console', 'tests'],
  },
});
