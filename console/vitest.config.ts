import { defineProject } from 'vitest/config';
import preact from '@preact/preset-vite';

export default defineProject({
  plugins: [preact()],
  resolve: {
    // zustand's hooks import React; preact/compat provides the same API.
    alias: {
      react: 'preact/compat',
      'react-dom/test-utils': 'preact/test-utils',
      'react-dom': 'preact/compat',
      'react/jsx-runtime': 'preact/jsx-runtime',
    },
  },
  test: {
    name: 'console',
    environment: 'jsdom',
    include: ['src/**/*.test.ts?(x)'],
    setupFiles: ['src/test/setup.ts'],
    // A busy 2-core CI machine can take seconds over a file's first render; a test is failed by
    // its assertions, not by the machine's speed.
    testTimeout: 20_000,
    // Run zustand through vite so the react → preact/compat alias applies to it.
    server: { deps: { inline: ['zustand'] } },
  },
});
