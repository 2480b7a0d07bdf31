/**
 * Message delivery latency, visitor → agent, under load: Kamflo and a baseline relay
 * (baseline-relay.ts: one insert, one emit) in the same run, one after the other, with the same
 * load from a process of its own (load.ts): N visitors each chatting with one of M agents, every
 * visitor sending a message every 0.5–1 s. Prints p50/p95/p99/max of each, errors and lost
 * messages, and the ratios Kamflo/baseline: on a shared machine the ratios hold, absolute times
 * don't.
 *
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench [visitors=200] [agents=10] [seconds=15]
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench 1000 50
 */
import crypto from 'node:crypto';
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connectDatabase } from '../../server/src/db/connect.ts';
import { createApp } from '../../server/src/app.ts';
import { testConfig } from '../../server/src/config.ts';
import { silentLogger } from '../../server/src/lib/logger.ts';
import { startBaselineRelay } from './baseline-relay.ts';
import type { LoadPlan, LoadResult } from './load.ts';

const [visitorsN = 200, agentsN = 10, seconds = 15] = process.argv.slice(2).map(Number);
const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('Set MONGODB_URI (tests/db/ferretdb.sh prints one)');
const warmMs = 1000;

/** Runs the load process against one target and returns what it measured. */
function drive(plan: LoadPlan): Promise<LoadResult> {
  const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], { execArgv: process.execArgv });
  return new Promise((resolve, reject) => {
    child.once('message', (r) => resolve(r as LoadResult));
    child.once('exit', (code) => reject(new Error(`the load process for ${plan.target} exited with ${code}`)));
    child.send(plan);
  });
}

const freshDatabase = (target: string) => connectDatabase(uri, { dbName: `kamflo_bench_${target}_${crypto.randomBytes(3).toString('hex')}` });

async function baseline(): Promise<LoadResult> {
  const conn = await freshDatabase('baseline');
  const relay = await startBaselineRelay(conn);
  try {
    const agents = Array.from({ length: agentsN }, (_, i) => ({ agentId: `a${i}` }));
    const visitors = Array.from({ length: visitorsN }, (_, i) => ({ agentId: `a${i % agentsN}` }));
    return await drive({ target: 'baseline', url: relay.url, agents, visitors, seconds, warmMs });
  } finally {
    await relay.close();
    await conn.dropDatabase();
    await conn.close();
  }
}

async function kamflo(): Promise<LoadResult> {
  const conn = await freshDatabase('kamflo');
  const app = await createApp({ conn, config: testConfig(), log: silentLogger, sweepIntervalMs: process.env.BENCH_NO_SWEEP ? false : 1000 });
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
    const { agents: accounts, tokens } = app.services;
    const agents: LoadPlan['agents'] = [];
    for (let i = 0; i < agentsN; i++) {
      const email = `bench${i}@example.com`;
      await accounts.createAgent({ email, name: `Agent ${i}`, role: 'agent', password: 'bench password' });
      // Room for every visitor, so every message has an agent to reach.
      await accounts.Agent.updateOne({ email }, { $set: { capacity: Math.ceil(visitorsN / agentsN) } });
      const { token } = await accounts.signIn(email, 'bench password');
      agents.push({ cookie: `${accounts.cookie.name}=${token}` });
    }
    const visitors: LoadPlan['visitors'] = [];
    for (let i = 0; i < visitorsN; i++) visitors.push({ token: (await tokens.issue('default')).token });
    return await drive({ target: 'kamflo', url, agents, visitors, seconds, warmMs });
  } finally {
    await app.close(500);
    await conn.dropDatabase();
    await conn.close();
  }
}

const ms = (x: number) => x.toFixed(1);
function print(r: LoadResult) {
  console.log(
    `${r.target.padEnd(8)} sent=${r.sent} (${r.rate.toFixed(0)} msg/s) measured=${r.measured} errors=${r.errors} lost=${r.lost}  ` +
      `p50=${ms(r.p50)} p95=${ms(r.p95)} p99=${ms(r.p99)} max=${ms(r.max)} ms`,
  );
}

console.log(`visitors=${visitorsN} agents=${agentsN} seconds=${seconds} per target (+${warmMs / 1000} s warm-up); visitor→agent delivery:`);
const base = await baseline();
print(base);
const ours = await kamflo();
print(ours);
const ratio = (k: 'p50' | 'p95' | 'p99' | 'max') => (ours[k] / base[k]).toFixed(1);
console.log(`kamflo/baseline p50=${ratio('p50')}× p95=${ratio('p95')}× p99=${ratio('p99')}× max=${ratio('max')}×`);
process.exit(0);
