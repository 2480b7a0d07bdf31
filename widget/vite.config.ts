import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { localesPlugin } from './vite.locales.ts';

export default defineConfig({
  base: '/widget/',
  plugins: [localesPlugin(), preact()],
  build: {
    outDir: 'dist/widget',
    // Only dist/widget: the loader build writes dist/widget.js next to it.
    emptyOutDir: true,
    target: 'es2020',
    // Every emitted byte counts against the size budget (scripts/report-size.mjs).
    sourcemap: false,
    modulePreload: { polyfill: false },
    rollupOptions: { input: 'frame.html' },
  },
});
