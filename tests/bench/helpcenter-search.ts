/**
 * Help Center search at volume: seeds N published articles (about 150 words each) on one site,
 * then times GET /api/helpcenter/search through HTTP and prints p50/p99, next to GET /healthz
 * on the same server as the baseline (HTTP and the app's middleware, no search).
 *
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench:search [N=10000] [runs=200]
 *
 * Run on demand, not in CI. The first search builds the index from the database (timed apart);
 * a publish then costs the next search a version read and the re-read of that one article.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { connectDatabase } from '../../server/src/db/connect.ts';
import { createApp } from '../../server/src/app.ts';
import { testConfig } from '../../server/src/config.ts';
import { silentLogger } from '../../server/src/lib/logger.ts';
import { articleModel, hcSettingsModel } from '../../server/src/helpcenter/article.model.ts';
import { renderMarkdown } from '../../server/src/helpcenter/markdown.ts';

const [N = 10_000, runs = 200] = process.argv.slice(2).map(Number);
const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('Set MONGODB_URI (tests/db/ferretdb.sh prints one)');

const conn = await connectDatabase(uri, { dbName: `kamflo_bench_search_${crypto.randomBytes(3).toString('hex')}` });
const kamflo = await createApp({ conn, config: testConfig(), log: silentLogger, sweepIntervalMs: false });
await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(kamflo.httpServer.address() as AddressInfo).port}`;

const WORDS = (
  'account address app billing browser cancel card charge checkout coupon customer data delivery device discount download ' +
  'email error export invoice item language login mobile notification order package password payment phone plan price ' +
  'privacy profile receipt refund return security settings shipping size subscription tax team tracking upgrade warranty'
).split(' ');
// A vocabulary of real words and made-up ones, so the index has many distinct terms.
const VOCAB = [...WORDS, ...Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`)];
const rand = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const sentence = (n: number) => Array.from({ length: n }, () => rand(VOCAB)).join(' ');

const t0 = Date.now();
const Article = articleModel(conn);
const now = new Date();
for (let i = 0; i < N; i += 500) {
  const docs = [];
  for (let j = i; j < Math.min(N, i + 500); j++) {
    const title = `${rand(WORDS)} ${rand(WORDS)} ${sentence(3)} ${j}`;
    const body = `## ${sentence(4)}\n\n${sentence(60)}.\n\n- **${rand(WORDS)}** ${sentence(20)}\n- ${sentence(20)}\n\n${sentence(40)}.`;
    docs.push({
      _id: new Types.ObjectId(),
      site: 'default',
      slug: `article-${j}`,
      locale: 'en',
      title,
      body,
      revision: 1,
      authorId: 'bench',
      authorName: 'Bench',
      createdAt: now,
      updatedAt: now,
      published: { title, body, html: renderMarkdown(body), revision: 1, at: now },
    });
  }
  await Article.insertMany(docs);
}
await hcSettingsModel(conn).updateOne(
  { _id: 'default' },
  { $set: { enabled: true, name: 'Bench', logoText: 'Bench', color: '#1f6feb', defaultLocale: 'en' } },
  { upsert: true },
);
console.log(`seeded ${N} articles in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

async function time(path: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url + path);
  await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return performance.now() - t;
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms  p99 ${pct(xs, 99).toFixed(1)} ms`;

const build = await time('/api/helpcenter/search?q=refund');
console.log(`first search (builds the index of ${N} articles): ${build.toFixed(0)} ms`);

const queries = [
  () => rand(WORDS),
  () => rand(WORDS).slice(0, 4), // a prefix
  () => {
    const w = rand(WORDS.filter((x) => x.length > 5));
    return w.slice(0, 2) + w.slice(3); // a typo
  },
  () => `${rand(WORDS)} ${rand(WORDS)}`,
];
const byKind: number[][] = queries.map(() => []);
const health: number[] = [];
for (let i = 0; i < runs; i++) {
  health.push(await time('/healthz'));
  for (const [k, q] of queries.entries()) byKind[k]!.push(await time(`/api/helpcenter/search?q=${encodeURIComponent(q())}&limit=10`));
}
console.log(`baseline GET /healthz           ${fmt(health)}`);
for (const [k, name] of ['one word', 'prefix (4 letters)', 'typo', 'two words'].entries()) console.log(`search, ${name.padEnd(20)} ${fmt(byKind[k]!)}`);

await kamflo.close(1000);
await conn.dropDatabase();
await conn.close();
