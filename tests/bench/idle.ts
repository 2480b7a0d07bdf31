/**
 * Server memory per idle visitor: N visitor sockets that connect to /visitor and then do nothing
 * (a page with the widget open, nobody typing), against a bare Socket.IO server holding the same
 * N sockets, in one run. The servers run in this process; the sockets come from a forked process
 * of their own (idle-clients.ts), so their memory is not counted. Prints the RSS and heap delta
 * per socket of each, after a GC.
 *
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench:idle [N=10000]
 *
 * Run on demand, not in CI.
 */
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { connectDatabase } from '../../server/src/db/connect.ts';
import { createApp } from '../../server/src/app.ts';
import { testConfig } from '../../server/src/config.ts';
import { silentLogger } from '../../server/src/lib/logger.ts';

const N = Number(process.argv[2] ?? 10_000);
const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('Set MONGODB_URI (tests/db/ferretdb.sh prints one)');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with --expose-gc (the bench:idle script does)');

function settle(): { rss: number; heap: number } {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/** Open N sockets from the child process and wait until they are all connected. */
function connectAll(url: string, auth: { token?: string }[]): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./idle-clients.ts', import.meta.url)), [], { execArgv: process.execArgv.filter((a) => a !== '--expose-gc') });
    child.on('error', reject);
    child.on('message', (m: { connected?: number; error?: string }) => {
      if (m.error) reject(new Error(m.error));
      if (m.connected !== undefined)
        resolve({
          close: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.send({ close: true });
            }),
        });
    });
    child.send({ url, auth });
  });
}

async function measure(name: string, url: string, auth: { token?: string }[]) {
  await new Promise((r) => setTimeout(r, 500));
  const before = settle();
  const started = Date.now();
  const clients = await connectAll(url, auth);
  const connectMs = Date.now() - started;
  await new Promise((r) => setTimeout(r, 2000)); // let the handshakes' garbage go
  const after = settle();
  await clients.close();
  return { name, connectMs, rss: (after.rss - before.rss) / N, heap: (after.heap - before.heap) / N };
}

// Kamflo.
const conn = await connectDatabase(uri, { dbName: `kamflo_bench_idle_${crypto.randomBytes(3).toString('hex')}` });
const kamflo = await createApp({ conn, config: testConfig(), log: silentLogger, sweepIntervalMs: false });
await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
const kamfloUrl = `http://127.0.0.1:${(kamflo.httpServer.address() as AddressInfo).port}/visitor`;
const tokens = await Promise.all(Array.from({ length: N }, () => kamflo.services.tokens.issue('default')));
const k = await measure(
  'Kamflo /visitor',
  kamfloUrl,
  tokens.map((t) => ({ token: t.token })),
);
await kamflo.close(1000);
await conn.dropDatabase();
await conn.close();

// Bare Socket.IO: the same sockets, nothing done with them.
const httpServer = http.createServer();
const io = new Server(httpServer, { transports: ['websocket'] });
io.of('/visitor').on('connection', () => {});
await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/visitor`;
const b = await measure(
  'bare Socket.IO',
  bareUrl,
  Array.from({ length: N }, () => ({})),
);
io.close();

console.log(`\n${N} idle visitor sockets on one process\n`);
console.log(`${'server'.padEnd(18)} ${'RSS/socket'.padStart(12)} ${'heap/socket'.padStart(12)} ${'connect all'.padStart(12)}`);
for (const r of [k, b]) {
  console.log(
    `${r.name.padEnd(18)} ${`${(r.rss / 1024).toFixed(1)} KB`.padStart(12)} ${`${(r.heap / 1024).toFixed(1)} KB`.padStart(12)} ${`${(r.connectMs / 1000).toFixed(1)} s`.padStart(12)}`,
  );
}
process.exit(0);
