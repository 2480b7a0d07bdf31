import { defineProject } from 'vitest/config';
import preact from '@preact/preset-vite';

export default defineProject({
  plugins: [preact()],
  test: {
    name: 'widget',
    environment: 'jsdom',
    include: ['src/**/*.test.ts?(x)'],
    setupFiles: ['src/test/setup.ts'],
  },
});
