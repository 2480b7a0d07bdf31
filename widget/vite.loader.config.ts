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
    minify: 'esbuild',
    lib: {
      entry: 'src/loader.ts',
      formats: ['iife'],
      name: 'KamfloLoader',
      fileName: () => 'widget.js',
    },
  },
});
