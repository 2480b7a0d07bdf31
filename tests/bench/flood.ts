/**
 * What one flooding visitor does to everyone else. Ten visitors chat with an agent, each sending
 * a message a second; we measure visitor → agent delivery latency with no flood (the baseline),
 * during a flood from one other visitor (its own process, `rate` events a second, half
 * chat:message and half chat:start, every one with an ack), and right after it. Prints the
 * percentiles of each phase and what the flooder got back.
 *
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench:flood [seconds=15] [rate=500] [--unlimited]
 *
 * --unlimited builds the server with the rate limits out of reach, as before they existed.
 * Run on demand, not in CI.
 */
import crypto from 'node:crypto';
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';

const opts = { transports: ['websocket'], forceNew: true, reconnection: false };

if (process.argv[2] === '--flooder') await flooder();
else await main();

/**
 * The child process: one visitor token, `rate` events a second for `seconds`, from its own
 * loopback address (127.0.0.2), reconnecting at once whenever the server disconnects it.
 */
async function flooder() {
  const [, , , url, token, conversationId, seconds, rate] = process.argv as string[];
  const socket = connect(`${url}/visitor`, { ...opts, auth: { token }, localAddress: '127.0.0.2' } as Parameters<typeof connect>[1]);
  const tally = { sent: 0, accepted: 0, refused: 0, otherErrors: 0, unanswered: 0, disconnects: 0, refusedHandshakes: 0 };
  socket.on('disconnect', () => {
    tally.disconnects++;
    socket.connect();
  });
  socket.on('connect_error', (err) => {
    if (err.message === 'rate_limited') tally.refusedHandshakes++;
    setTimeout(() => socket.connect(), 50);
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  // Started and connected before the baseline is measured; floods when told to.
  process.send!('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const pending: Promise<void>[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const end = Date.now() + Number(seconds) * 1000;
  while (Date.now() < end) {
    const tick = Date.now();
    for (let i = 0; i < Number(rate) && socket.connected; i++) {
      tally.sent++;
      const payload =
        i % 2
          ? ['chat:message', { conversationId, clientId: crypto.randomUUID(), text: `flood ${tally.sent}` }]
          : ['chat:start', { clientId: crypto.randomUUID(), text: `flood start ${tally.sent}` }];
      pending.push(
        (socket.timeout(10_000).emitWithAck(payload[0] as string, payload[1]) as Promise<{ ok: boolean; error?: { code: string } }>).then(
          (r) => {
            if (r.ok) tally.accepted++;
            else if (r.error?.code === 'rate_limited') tally.refused++;
            else tally.otherErrors++;
          },
          () => {
            tally.unanswered++;
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
  }
  socket.off('disconnect');
  const used = process.cpuUsage(cpu);
  const cpuPct = Math.round(((used.user + used.system) / 1000 / (performance.now() - started)) * 100);
  await Promise.all(pending);
  process.send!({ ...tally, cpuPct });
  socket.disconnect();
  process.exit(0);
}

async function main() {
  const args = process.argv.slice(2);
  const unlimited = args.includes('--unlimited');
  const [seconds = 15, rate = 500] = args.filter((a) => !a.startsWith('--')).map(Number);
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('Set MONGODB_URI (tests/db/ferretdb.sh prints one)');

  const { connectDatabase } = await import('../../server/src/db/connect.ts');
  const { createApp } = await import('../../server/src/app.ts');
  const { loadConfig, testConfig } = await import('../../server/src/config.ts');
  const { silentLogger } = await import('../../server/src/lib/logger.ts');

  const conn = await connectDatabase(uri, { dbName: `kamflo_bench_${crypto.randomBytes(3).toString('hex')}` });
  // The production defaults for every limit, unless --unlimited.
  const config = unlimited ? testConfig() : { ...testConfig(), limits: loadConfig({}).limits };
  const kamflo = await createApp({ conn, config, log: silentLogger });
  await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(kamflo.httpServer.address() as AddressInfo).port}`;

  const email = 'flood-bench@example.com';
  await kamflo.services.agents.createAgent({ email, name: 'Bench Agent', role: 'agent', password: 'flood bench password' });
  await kamflo.services.agents.Agent.updateOne({ email }, { $set: { capacity: 50 } });
  const { token: session } = await kamflo.services.agents.signIn(email, 'flood bench password');
  const agent = connect(`${url}/agent`, { ...opts, extraHeaders: { cookie: `${kamflo.services.agents.cookie.name}=${session}` } });
  agent.on('chat:requests', (reqs: { conversationId: string; state: string }[]) => {
    for (const r of reqs) if (r.state === 'offered') agent.emit('chat:accept', { conversationId: r.conversationId }, () => {});
  });

  let phase: string | null = null;
  const samples = new Map<string, number[]>();
  const sentAt = new Map<string, { at: number; phase: string | null }>();
  agent.on('chat:message', (m: { clientId: string }) => {
    const s = sentAt.get(m.clientId);
    if (!s) return;
    sentAt.delete(m.clientId);
    if (s.phase) samples.set(s.phase, [...(samples.get(s.phase) ?? []), performance.now() - s.at]);
  });

  // Ten visitors in live chats with the agent.
  const visitors: { socket: Socket; conversationId: string }[] = [];
  for (let i = 0; i < 10; i++) {
    const { token } = await kamflo.services.tokens.issue('default');
    const socket = connect(`${url}/visitor`, { ...opts, auth: { token } });
    const ack = (await socket.timeout(10_000).emitWithAck('chat:start', { clientId: crypto.randomUUID(), text: 'hello' })) as {
      data: { conversation: { id: string } };
    };
    visitors.push({ socket, conversationId: ack.data.conversation.id });
  }
  for (let i = 0; i < 100 && (await kamflo.services.conversations.Conversation.countDocuments({ status: 'active' })) < visitors.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }

  let running = true;
  const chatting = Promise.all(
    visitors.map(async (v) => {
      while (running) {
        const clientId = crypto.randomUUID();
        sentAt.set(clientId, { at: performance.now(), phase });
        await v.socket
          .timeout(10_000)
          .emitWithAck('chat:message', { conversationId: v.conversationId, clientId, text: 'how is it going?' })
          .catch(() => {});
        await new Promise((r) => setTimeout(r, 800 + Math.random() * 400));
      }
    }),
  );
  // The server process's own load per phase: CPU (this process holds the server and the ten
  // visitors, not the flooder) and how late its event loop ran.
  const load = new Map<string, string>();
  const during = async (name: string, ms: number) => {
    phase = name;
    const cpu = process.cpuUsage();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    lag.disable();
    const used = process.cpuUsage(cpu);
    const pct = ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
    load.set(name, `server process CPU ${pct.toFixed(0)}%, event-loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms`);
    phase = null;
  };

  // The flooder: its own token, conversation and process, started (and connected) before any
  // measurement, so its start-up costs nobody's latency.
  const { token: floodToken } = await kamflo.services.tokens.issue('default');
  const probe = connect(`${url}/visitor`, { ...opts, auth: { token: floodToken } });
  const started = (await probe.timeout(10_000).emitWithAck('chat:start', { clientId: crypto.randomUUID(), text: 'I am about to flood' })) as {
    data: { conversation: { id: string } };
  };
  probe.disconnect();
  const child = fork(fileURLToPath(import.meta.url), ['--flooder', url, floodToken, started.data.conversation.id, String(seconds), String(rate)], {
    execArgv: process.execArgv,
  });
  await new Promise((resolve) => child.once('message', resolve));
  const tally = new Promise<Record<string, number>>((resolve) => child.once('message', (m) => resolve(m as Record<string, number>)));

  await during('warm-up', 2000);
  await during('no flood', seconds * 1000);
  child.send('go');
  await during('flood', seconds * 1000);
  const flood = await tally;
  await during('after the flood', 5000);
  running = false;
  await chatting;

  const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
  console.log(`limits ${unlimited ? 'OFF (--unlimited)' : 'on (defaults)'}; 10 visitors chatting, 1 flooder at ${rate} events/s for ${seconds} s`);
  for (const name of ['no flood', 'flood', 'after the flood']) {
    const xs = (samples.get(name) ?? []).sort((a, b) => a - b);
    const lost = [...sentAt.values()].filter((s) => s.phase === name).length;
    if (!xs.length) console.log(`${name.padEnd(16)} no message delivered (${lost} lost)`);
    else
      console.log(
        `${name.padEnd(16)} others' delivery ms: p50=${q(xs, 0.5)} p95=${q(xs, 0.95)} p99=${q(xs, 0.99)} max=${xs.at(-1)!.toFixed(1)} (n=${xs.length}, undelivered ${lost}); ${load.get(name)}`,
      );
  }
  const stored = await kamflo.services.conversations.Conversation.db
    .collection('messages')
    .countDocuments({ conversationId: new (await import('mongoose')).Types.ObjectId(started.data.conversation.id) });
  console.log(
    `flooder: sent=${flood.sent} accepted=${flood.accepted} rate_limited=${flood.refused} other errors=${flood.otherErrors} ` +
      `unanswered=${flood.unanswered} (disconnected ${flood.disconnects}×, handshakes refused ${flood.refusedHandshakes}); its messages stored=${stored}; ` +
      `flooder process CPU ${flood.cpuPct}% (on this machine, competing with the server and the database)`,
  );

  for (const v of visitors) v.socket.disconnect();
  agent.disconnect();
  await kamflo.close(500);
  await conn.dropDatabase();
  await conn.close();
  process.exit(0);
}
