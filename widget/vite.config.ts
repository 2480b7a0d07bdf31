import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';

/**
 * engine.io-client's default transport table pulls in XHR long-polling and WebTransport. Our
 * server never offers WebTransport, and fetch() long-polls as well as XHR in every browser we
 * support, so the table becomes { websocket, polling: fetch } and the two unused modules (which
 * have top-level side effects, so tree-shaking keeps them) are left out: ~2 KB gzipped, which
 * keeps the widget inside its budget. The client asks for exactly these two (app/client.ts).
 *
 * Likewise socket.io-parser's binary attachments (Blob/ArrayBuffer arguments split into extra
 * frames): every Kamflo event is plain JSON, so "has binary" is always false and packets are
 * always encoded as text: ~500 B gzipped. A binary frame from a server would now be refused
 * as a parse error (socket.io then reconnects) instead of decoded; ours never sends one.
 */
const TABLE = '\0kamflo-transports:';
const UNUSED = '\0kamflo-unused-transport';
const NO_BINARY = '\0kamflo-no-binary';
const lighterTransports: Plugin = {
  name: 'kamflo:engine-io-transports',
  enforce: 'pre',
  resolveId(source, importer) {
    if (importer?.includes('socket.io-parser') && /^\.\/(is-)?binary\.js$/.test(source)) return NO_BINARY;
    if (!importer?.includes('engine.io-client')) return;
    if (source === './transports/index.js') return TABLE + path.join(path.dirname(importer), 'transports');
    if (/\/(polling-xhr(\.node)?|webtransport)\.js$/.test(source)) return UNUSED;
  },
  load(id) {
    if (id === NO_BINARY) {
      return 'export const isBinary = () => false, hasBinary = () => false, deconstructPacket = undefined, reconstructPacket = undefined;';
    }
    if (id === UNUSED) return 'export const XHR = undefined, BaseXHR = undefined, Request = undefined, WT = undefined;';
    if (!id.startsWith(TABLE)) return;
    const from = (file: string) => JSON.stringify(path.join(id.slice(TABLE.length), file));
    return `import { WS } from ${from('websocket.js')};
import { Fetch } from ${from('polling-fetch.js')};
export const transports = { websocket: WS, polling: Fetch };`;
  },
};

export default defineConfig({
  base: '/widget/',
  plugins: [lighterTransports, preact()],
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
