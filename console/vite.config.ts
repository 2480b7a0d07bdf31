import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Served by the server at /console/, same origin as the API and the socket.
// In development, vite serves the console and forwards API and socket traffic to the server.
const server = process.env.KAMFLO_SERVER_URL ?? 'http://localhost:3000';

export default defineConfig({
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5174,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/socket.io': { target: server, ws: true, changeOrigin: false },
    },
  },
});
