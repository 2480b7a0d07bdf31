/**
 * Message delivery latency, visitor → agent, under load: N visitors each chatting with one of M
 * agents, every visitor sending a message every `interval` ms. Prints p50/p95/p99/max.
 *
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench [visitors=100] [agents=10] [seconds=20]
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { connectDatabase } from '../../server/src/db/connect.ts';
import { createApp } from '../../server/src/app.ts';
import { testConfig } from '../../server/src/config.ts';
import { silentLogger } from '../../server/src/lib/logger.ts';

const [visitorsN = 100, agentsN = 10, seconds = 20] = process.argv.slice(2).map(Number);
const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('Set MONGODB_URI (tests/db/ferretdb.sh prints one)');

const conn = await connectDatabase(uri, { dbName: `kamflo_bench_${crypto.randomBytes(3).toString('hex')}` });
const kamflo = await createApp({ conn, config: testConfig(), log: silentLogger, sweepIntervalMs: process.env.BENCH_NO_SWEEP ? false : 1000 });
await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(kamflo.httpServer.address() as AddressInfo).port}`;

const opts = { transports: ['websocket'], forceNew: true, reconnection: false };
const agents: Socket[] = [];
for (let i = 0; i < agentsN; i++) {
  const email = `bench${i}@example.com`;
  await kamflo.services.agents.createAgent({ email, name: `Agent ${i}`, role: 'agent', password: 'bench password' });
  // Room for every visitor, so every message has an agent to reach.
  await kamflo.services.agents.Agent.updateOne({ email }, { $set: { capacity: Math.ceil(visitorsN / agentsN) } });
  const { token } = await kamflo.services.agents.signIn(email, 'bench password');
  const s = connect(`${url}/agent`, { ...opts, extraHeaders: { cookie: `kamflo_session=${token}` } });
  // Accept everything offered.
  s.on('chat:requests', (reqs: { conversationId: string; state: string }[]) => {
    for (const r of reqs) if (r.state === 'offered') s.emit('chat:accept', { conversationId: r.conversationId }, () => {});
  });
  agents.push(s);
}

const latencies: number[] = [];
const sentAt = new Map<string, number>();
for (const a of agents)
  a.on('chat:message', (m: { clientId: string }) => {
    const t = sentAt.get(m.clientId);
    if (t !== undefined) {
      if (Date.now() > warmUntil) latencies.push(performance.now() - t);
      sentAt.delete(m.clientId);
    }
  });

const visitors: { socket: Socket; conversationId: string }[] = [];
for (let i = 0; i < visitorsN; i++) {
  const { token } = await kamflo.services.tokens.issue('default');
  const socket = connect(`${url}/visitor`, { ...opts, auth: { token } });
  const ack: any = await socket.timeout(10_000).emitWithAck('chat:start', { clientId: crypto.randomUUID(), text: 'hello' });
  visitors.push({ socket, conversationId: ack.data.conversation.id });
}
// Wait until every chat is with an agent.
for (let i = 0; i < 200; i++) {
  if ((await kamflo.services.conversations.Conversation.countDocuments({ status: 'active' })) === visitorsN) break;
  await new Promise((r) => setTimeout(r, 100));
}

// The first second warms connection pools (FerretDB opens PostgreSQL connections lazily): not measured.
const warmUntil = Date.now() + 1000;
const end = warmUntil + seconds * 1000;
let sent = 0;
await Promise.all(
  visitors.map(async (v) => {
    while (Date.now() < end) {
      const clientId = crypto.randomUUID();
      sentAt.set(clientId, performance.now());
      sent++;
      await v.socket.timeout(10_000).emitWithAck('chat:message', { conversationId: v.conversationId, clientId, text: `m${sent}` });
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 500));
    }
  }),
);
await new Promise((r) => setTimeout(r, 500));

latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
console.log(`visitors=${visitorsN} agents=${agentsN} seconds=${seconds} sent=${sent} delivered=${latencies.length} rate=${(sent / seconds).toFixed(0)} msg/s`);
console.log(`visitor→agent delivery ms: p50=${q(0.5)} p95=${q(0.95)} p99=${q(0.99)} max=${latencies.at(-1)!.toFixed(1)}`);

for (const v of visitors) v.socket.disconnect();
for (const a of agents) a.disconnect();
await kamflo.close(500);
await conn.dropDatabase();
await conn.close();
process.exit(0);
