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
    // Every emitted byte counts against the size budget (scripts/report-size.mjs): terser makes the
    // frame's bundle ~550 B (gzipped) smaller than esbuild's minifier.
    minify: 'terser',
    terserOptions: { ecma: 2020, module: true, compress: { passes: 2 } },
    sourcemap: false,
    modulePreload: { polyfill: false },
    rollupOptions: { input: 'frame.html' },
  },
});
