import { defineProject } from 'vitest/config';
import preact from '@preact/preset-vite';
import { loaderLabels, localesPlugin } from './vite.locales.ts';

export default defineProject({
  plugins: [localesPlugin(), preact()],
  define: { __KAMFLO_LABELS__: loaderLabels() },
  test: {
    name: 'widget',
    environment: 'jsdom',
    include: ['src/**/*.test.ts?(x)'],
    setupFiles: ['src/test/setup.ts'],
    // A busy 2-core CI machine can take seconds over a file's first render; a test is failed by
    // its assertions, not by the machine's speed.
    testTimeout: 20_000,
  },
});
