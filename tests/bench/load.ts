/**
 * The bench's load generator, in its own process (forked by tests/bench/latency.ts, which sends
 * it a plan over IPC): N visitors each chatting with one of M agents against one target, every
 * visitor sending a message every 0.5–1 s and waiting for its acknowledgement. Measures
 * visitor → agent delivery (from the emit to the agent's chat:message) and sends the summary back.
 */
import crypto from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';

export interface LoadPlan {
  target: 'kamflo' | 'baseline';
  url: string;
  /** How each agent connects: a session cookie (Kamflo) or the id it names (baseline). */
  agents: { cookie?: string; agentId?: string }[];
  /** How each visitor connects: a visitor token (Kamflo), or the agent it writes to (baseline). */
  visitors: { token?: string; agentId?: string }[];
  seconds: number;
  warmMs: number;
}

export interface LoadResult {
  target: LoadPlan['target'];
  sent: number;
  acked: number;
  errors: number;
  lost: number;
  measured: number;
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const opts = { transports: ['websocket'], forceNew: true, reconnection: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.once('message', (plan: LoadPlan) => {
  run(plan).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
});

/** A Kamflo chat:start, retried with the same clientId (stored once) when a loaded server is slow to answer. */
async function start(socket: Socket): Promise<string> {
  const clientId = crypto.randomUUID();
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const ack = (await socket.timeout(20_000).emitWithAck('chat:start', { clientId, text: 'hello' })) as
        | { ok: true; data: { conversation: { id: string } } }
        | { ok: false; error: { code: string; message: string } };
      if (ack.ok) return ack.data.conversation.id;
      last = ack.error;
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`chat:start failed 3 times: ${JSON.stringify(last)}`);
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const connected = (s: Socket) =>
    new Promise<Socket>((resolve, reject) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });

  let accepted = 0;
  const agents = await Promise.all(
    plan.agents.map((a) => {
      const s = connect(`${plan.url}/agent`, { ...opts, extraHeaders: a.cookie ? { cookie: a.cookie } : {}, auth: { agentId: a.agentId } });
      // Kamflo offers each new chat to an agent: accept everything offered.
      s.on('chat:requests', (reqs: { conversationId: string; state: string }[]) => {
        for (const r of reqs)
          if (r.state === 'offered')
            s.emit('chat:accept', { conversationId: r.conversationId }, (ack: { ok: boolean }) => {
              if (ack.ok) accepted++;
            });
      });
      return connected(s);
    }),
  );

  const sentAt = new Map<string, { at: number; measured: boolean }>();
  const acked = new Set<string>();
  const latencies: number[] = [];
  for (const a of agents)
    a.on('chat:message', (m: { clientId: string }) => {
      const s = sentAt.get(m.clientId);
      if (!s) return;
      sentAt.delete(m.clientId);
      if (s.measured) latencies.push(performance.now() - s.at);
    });

  const visitors: { socket: Socket; conversationId: string }[] = [];
  for (const v of plan.visitors) {
    const socket = await connected(connect(`${plan.url}/visitor`, { ...opts, auth: v.token ? { token: v.token } : { agentId: v.agentId } }));
    if (plan.target === 'kamflo') {
      visitors.push({ socket, conversationId: await start(socket) });
    } else {
      visitors.push({ socket, conversationId: crypto.randomBytes(12).toString('hex') });
    }
  }
  // Every Kamflo chat with an agent before the clock starts.
  if (plan.target === 'kamflo') {
    for (let i = 0; i < 600 && accepted < visitors.length; i++) await sleep(100);
    if (accepted < visitors.length) throw new Error(`only ${accepted} of ${visitors.length} chats were accepted`);
  }

  // The warm-up fills connection pools (FerretDB opens PostgreSQL connections lazily): not measured.
  const warmUntil = performance.now() + plan.warmMs;
  const end = warmUntil + plan.seconds * 1000;
  let sent = 0;
  let errors = 0;
  await Promise.all(
    visitors.map(async (v, i) => {
      // Spread the first sends over a second, as visitors would arrive.
      await sleep((i / visitors.length) * 1000);
      while (performance.now() < end) {
        const clientId = crypto.randomUUID();
        const at = performance.now();
        sentAt.set(clientId, { at, measured: at >= warmUntil });
        sent++;
        try {
          const ack = (await v.socket.timeout(10_000).emitWithAck('chat:message', { conversationId: v.conversationId, clientId, text: `m${sent}` })) as {
            ok: boolean;
          };
          if (ack.ok) acked.add(clientId);
          else errors++;
        } catch {
          errors++;
        }
        await sleep(500 + Math.random() * 500);
      }
    }),
  );
  // A message acknowledged but never delivered within 3 s more is lost.
  for (let i = 0; i < 30 && [...sentAt.keys()].some((id) => acked.has(id)); i++) await sleep(100);
  const lost = [...sentAt.keys()].filter((id) => acked.has(id)).length;

  for (const v of visitors) v.socket.disconnect();
  for (const a of agents) a.disconnect();

  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return {
    target: plan.target,
    sent,
    acked: acked.size,
    errors,
    lost,
    measured: latencies.length,
    rate: sent / (plan.seconds + plan.warmMs / 1000),
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}
