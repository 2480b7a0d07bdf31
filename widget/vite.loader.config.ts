import { defineConfig } from 'vite';
import { loaderLabels } from './vite.locales.ts';

// widget.js: the loader a customer's page includes. One small IIFE, no imports, no CSS.
export default defineConfig({
  publicDir: false,
  define: { __KAMFLO_LABELS__: loaderLabels() },
  build: {
    outDir: 'dist',
    // dist/widget/ holds the frame app from the other build: never wipe it.
    emptyOutDir: false,
    target: 'es2018',
    sourcemap: false,
    // A few dozen bytes smaller than esbuild's minifier; every page view of every site loads it.
    minify: 'terser',
    terserOptions: { ecma: 2018, compress: { passes: 3 } },
    lib: {
      entry: 'src/loader.ts',
      formats: ['iife'],
      name: 'KamfloLoader',
      fileName: () => 'widget.js',
    },
  },
});
