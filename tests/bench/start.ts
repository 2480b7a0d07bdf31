/**
 * How long the server takes to start, and the memory it holds once started: the production
 * build (`node dist/main.js`, what `pnpm start` runs) against the same source through tsx (what
 * `pnpm dev` runs), alternating, on one database (a warm-up start first creates the admin and
 * the indexes). Each start is timed from spawn to its "Kamflo is running" line, which also
 * carries the process's own `startMs` and `rssMb`.
 *
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench:start [runs=5]
 *
 * Run on demand, not in CI.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server');
const runs = Number(process.argv[2] ?? 5);
if (!process.env.MONGODB_URI) {
  process.stderr.write('bench:start needs MONGODB_URI\n');
  process.exit(1);
}
const uri = process.env.MONGODB_URI.replace(/\/[^/?]*(\?|$)/, `/kamflo_bench_start_${crypto.randomBytes(4).toString('hex')}$1`);
const variants = {
  'build (node dist/main.js)': ['--enable-source-maps', 'dist/main.js'],
  'source (node --import tsx)': ['--import', 'tsx', 'src/main.ts'],
};

interface Start {
  wallMs: number;
  startMs: number;
  rssMb: number;
}

function startOnce(args: string[]): Promise<Start> {
  const began = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: serverDir,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, MONGODB_URI: uri, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited ${code} before running: ${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string; startMs?: number; rssMb?: number })
        .find((l) => l.msg?.startsWith('Kamflo is running'));
      if (!line) return;
      const wallMs = performance.now() - began;
      child.removeAllListeners('exit');
      child.on('exit', () => resolve({ wallMs, startMs: line.startMs!, rssMb: line.rssMb! }));
      child.kill('SIGTERM');
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);

await startOnce(variants['build (node dist/main.js)']);
const results: Record<string, Start[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(variants)) results[name]!.push(await startOnce(args));
}

console.log(`\nserver start, ${runs} runs each (median / min)`);
console.log('| variant                    | spawn → running, ms | process startMs | RSS after start, MB |');
console.log('| -------------------------- | ------------------: | --------------: | ------------------: |');
for (const [name, rs] of Object.entries(results)) {
  const cell = (f: (s: Start) => number) => `${Math.round(median(rs.map(f)))} / ${Math.round(min(rs.map(f)))}`;
  console.log(`| ${name.padEnd(26)} | ${cell((s) => s.wallMs).padStart(19)} | ${cell((s) => s.startMs).padStart(15)} | ${cell((s) => s.rssMb).padStart(19)} |`);
}

const conn = await mongoose.createConnection(uri).asPromise();
await conn.dropDatabase();
await conn.close();
