/**
 * Fault test: visitors and agents chat, spread over two server processes, while the processes
 * are killed with SIGKILL and restarted, in turn, repeatedly. Afterwards every message any client saw acknowledged must be stored
 * exactly once, every client's view must equal the database, and every chat must be with an
 * agent, waiting in the queue, or a ticket.
 *
 * Run alone: npx -y pnpm@10.34.8 test:fault   (FAULT_VISITORS, FAULT_AGENTS, FAULT_KILLS and
 * FAULT_PROCESSES override; more than one process needs Redis at REDIS_URL)
 * It is part of the README's test command, run after the main suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject, it } from 'vitest';
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import type { ChatRequestDto, MessageDto } from '@kamflo/shared';

// 200 visitors, 10 agents, 5 kills by default. Its FerretDB gets a PostgreSQL pool of 200
// (fresh-database.ts): FerretDB 1.24 stops answering for good when its pool runs dry.
const VISITORS = Number(process.env.FAULT_VISITORS ?? 200);
const AGENTS = Number(process.env.FAULT_AGENTS ?? 10);
const KILLS = Number(process.env.FAULT_KILLS ?? 5);
// Two server processes by default, sharing the database and Redis (Socket.IO's adapter): clients
// are spread over both, so most chats cross processes, and the kills alternate between them.
const PROCESSES = Number(process.env.FAULT_PROCESSES ?? 2);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MESSAGES_PER_VISITOR = 4;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A client's copy of one conversation: merged by id; syncs ask for what follows the contiguous prefix. */
class View {
  readonly byId = new Map<string, MessageDto>();
  add(m: MessageDto) {
    this.byId.set(m.id, m);
  }
  /** Highest n such that seqs 1..n are all held (the server's seqs have no gaps). */
  contiguous(): number {
    const seqs = new Set([...this.byId.values()].map((m) => m.seq));
    let n = 0;
    while (seqs.has(n + 1)) n++;
    return n;
  }
  ids(): string[] {
    return [...this.byId.values()].sort((a, b) => a.seq - b.seq).map((m) => m.id);
  }
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** Emit until acknowledged: across disconnects, restarts and 503s, as the real clients do. */
async function reliably<T>(socket: Socket, event: string, payload: unknown, deadline: number): Promise<T> {
  let last = 'never connected';
  while (Date.now() < deadline) {
    if (!socket.connected) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, 1000);
        socket.once('connect', () => {
          clearTimeout(t);
          r();
        });
      });
      continue;
    }
    try {
      const res = (await socket.timeout(3000).emitWithAck(event, payload)) as Ack<T>;
      if (res.ok) return res.data;
      last = `${res.error.code}: ${res.error.message}`;
      if (res.error.code !== 'unavailable' && res.error.code !== 'internal') throw new Error(`${event}: ${res.error.code} ${res.error.message}`);
    } catch (err) {
      if (!(err instanceof Error) || !/timed out|timeout|disconnected/i.test(err.message)) throw err;
      last = err.message;
    }
    await sleep(100 + Math.random() * 200);
  }
  throw new Error(`${event} never acknowledged (last: ${last}; connected: ${socket.connected})`);
}

it('fault: no message is lost or duplicated while the server is SIGKILLed and restarted', async () => {
  const dbName = `kamflo_fault_${crypto.randomBytes(4).toString('hex')}`;
  const uri = inject('mongoUri').replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
  const servers: { port: number; url: string; proc?: ChildProcess; log: string }[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const port = await freePort();
    servers.push({ port, url: `http://127.0.0.1:${port}`, log: '' });
  }
  const url = servers[0]!.url;
  const serverLogs = () => servers.map((s, i) => `[process ${i}] ${s.log.slice(-1500)}`).join('\n');

  async function startServer(i: number) {
    const s = servers[i]!;
    s.proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.join(root, 'server'),
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        PORT: String(s.port),
        HOST: '127.0.0.1',
        MONGODB_URI: uri,
        ...(PROCESSES > 1 ? { REDIS_URL, KAMFLO_REDIS_KEY: dbName } : {}),
        KAMFLO_ADMIN_EMAIL: 'admin@example.com',
        KAMFLO_ADMIN_PASSWORD: 'fault test admin',
        KAMFLO_PRESENCE_GRACE_SECONDS: '20',
        // Every client of this test comes from 127.0.0.1: as one address they would be one
        // abuser to the rate limits, which are not what this test is about.
        KAMFLO_SIGNIN_RATE_LIMIT: '10000',
        KAMFLO_NEW_VISITOR_RATE_LIMIT: '1000000',
        KAMFLO_PUBLIC_TICKET_RATE_LIMIT: '1000000',
        KAMFLO_VISITOR_EVENT_RATE_LIMIT: '1000000',
        KAMFLO_AGENT_EVENT_RATE_LIMIT: '1000000',
        KAMFLO_ADDRESS_EVENT_RATE_LIMIT: '1000000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    s.proc.stderr!.on('data', (d) => (s.log = (s.log + d).slice(-4000)));
    for (let n = 0; n < 300; n++) {
      try {
        if ((await fetch(`${s.url}/healthz`)).status === 200) return;
      } catch {}
      await sleep(50);
    }
    throw new Error(`server did not start: ${s.log}`);
  }
  async function killServer(i: number) {
    const proc = servers[i]!.proc!;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  // One after the other: the first start creates the collections and the admin.
  for (let i = 0; i < PROCESSES; i++) await startServer(i);
  const post = async (p: string, body: unknown, cookie?: string) => {
    const res = await fetch(url + p, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    return { res, body: (await res.json()) as any };
  };
  const admin = (await post('/api/auth/sign-in', { email: 'admin@example.com', password: 'fault test admin' })).res.headers.get('set-cookie')!.split(';')[0]!;
  const socketOptions = { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 400 };
  const deadline = Date.now() + 240_000;

  // Agents: accept every offer, take queued chats, answer every visitor message.
  const agentViews = new Map<string, View>();
  const agentTasks: Promise<unknown>[] = [];
  const acked = new Map<string, { conversationId: string; id: string; text: string }>();
  const agents: Socket[] = [];
  const replyFailures = new Map<string, number>();
  const replying = new Set<string>();
  for (let i = 0; i < AGENTS; i++) {
    const email = `agent${i}@example.com`;
    await post('/api/agents', { email, name: `Agent ${i}`, role: 'agent', password: 'agent password 1' }, admin);
    const cookie = (await post('/api/auth/sign-in', { email, password: 'agent password 1' })).res.headers.get('set-cookie')!.split(';')[0]!;
    // Capacity high enough that every visitor can be served.
    const socket = io(`${servers[i % PROCESSES]!.url}/agent`, { ...socketOptions, extraHeaders: { cookie } });
    const view = (id: string) => agentViews.get(id) ?? agentViews.set(id, new View()).get(id)!;
    const syncChat = async (conversationId: string) => {
      const res = await reliably<{ messages: MessageDto[] }>(socket, 'chat:sync', { conversationId, afterSeq: view(conversationId).contiguous() }, deadline);
      for (const m of res.messages) view(conversationId).add(m);
    };
    socket.on('connect', async () => {
      try {
        const list = await reliably<{ chats: { id: string }[] }>(socket, 'chat:list', {}, deadline);
        for (const c of list.chats) await syncChat(c.id);
      } catch {}
    });
    // As a person would: answer each offer once, and try to take each queued chat once.
    const tried = new Set<string>();
    socket.on('chat:requests', (requests: ChatRequestDto[]) => {
      for (const r of requests) {
        const attempt = `${r.conversationId}:${r.state}:${r.offerExpiresAt ?? ''}`;
        if (tried.has(attempt)) continue;
        tried.add(attempt);
        const event = r.state === 'offered' ? 'chat:accept' : 'chat:take';
        void (socket.timeout(3000).emitWithAck(event, { conversationId: r.conversationId }) as Promise<Ack<unknown>>)
          .then((res) => (res.ok ? syncChat(r.conversationId) : undefined))
          .catch(() => {});
      }
    });
    // Assigned (even when the accept's own acknowledgement was lost): catch up on the chat.
    socket.on('chat:updated', (c: { id: string; status: string }) => {
      if (c.status === 'active') syncChat(c.id).catch(() => {});
    });
    socket.on('chat:message', (m: MessageDto) => {
      view(m.conversationId).add(m);
      if (m.author !== 'visitor') return;
      const clientId = `re_${m.id}`;
      // A message can be pushed twice (a retried send is delivered again): answer it once.
      if (replying.has(clientId)) return;
      replying.add(clientId);
      const text = `re: ${m.text}`;
      agentTasks.push(
        reliably<MessageDto>(socket, 'chat:message', { conversationId: m.conversationId, clientId, text }, deadline)
          .then((stored) => acked.set(clientId, { conversationId: m.conversationId, id: stored.id, text }))
          .catch((err: Error) => replyFailures.set(err.message.slice(0, 80), (replyFailures.get(err.message.slice(0, 80)) ?? 0) + 1)),
      );
    });
    agents.push(socket);
  }
  await Promise.all(agents.map((s) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())))));

  // Visitors: each starts a chat and sends a few messages, retrying until acknowledged.
  let sent = 0;
  const visitorViews: { conversationId: string; view: View; socket: Socket }[] = [];
  const visitorRuns = Array.from({ length: VISITORS }, async (_, i) => {
    await sleep(Math.random() * 3000);
    let token: string | undefined;
    while (!token) {
      try {
        token = (await post('/api/visitors', {})).body.token;
      } catch {
        await sleep(200);
      }
    }
    const socket = io(`${servers[i % PROCESSES]!.url}/visitor`, { ...socketOptions, auth: { token } });
    const view = new View();
    let conversationId: string | undefined;
    socket.on('chat:message', (m: MessageDto) => {
      if (m.conversationId === conversationId) view.add(m);
    });
    socket.on('connect', async () => {
      if (!conversationId) return;
      try {
        const res = await reliably<{ messages: MessageDto[] }>(socket, 'chat:sync', { conversationId, afterSeq: view.contiguous() }, deadline);
        for (const m of res.messages) view.add(m);
      } catch {}
    });
    for (let j = 0; j < MESSAGES_PER_VISITOR; j++) {
      const clientId = crypto.randomUUID();
      const text = `v${i}-m${j}`;
      sent++;
      if (j === 0) {
        const res = await reliably<{ conversation: { id: string }; message: MessageDto }>(socket, 'chat:start', { clientId, text }, deadline);
        conversationId = res.conversation.id;
        view.add(res.message);
        acked.set(clientId, { conversationId, id: res.message.id, text });
      } else {
        const m = await reliably<MessageDto>(socket, 'chat:message', { conversationId, clientId, text }, deadline);
        view.add(m);
        acked.set(clientId, { conversationId: conversationId!, id: m.id, text });
      }
      await sleep(300 + Math.random() * 900);
    }
    visitorViews.push({ conversationId: conversationId!, view, socket });
  });

  const killer = (async () => {
    for (let k = 0; k < KILLS; k++) {
      await sleep(1500 + Math.random() * 1500);
      await killServer(k % PROCESSES);
      await sleep(100 + Math.random() * 300);
      await startServer(k % PROCESSES);
    }
  })();

  try {
    await Promise.all([...visitorRuns, killer]);
  } catch (err) {
    console.log('server log tails:', serverLogs());
    for (let i = 0; i < PROCESSES; i++) await killServer(i);
    throw err;
  }
  // Let replies finish, then one last catch-up sync on every client, as after any reconnect.
  for (let settled = 0; settled < 3; ) {
    const before = agentTasks.length;
    await Promise.all(agentTasks);
    await sleep(1500);
    settled = agentTasks.length === before ? settled + 1 : 0;
  }
  for (const v of visitorViews) {
    const res = await reliably<{ messages: MessageDto[] }>(
      v.socket,
      'chat:sync',
      { conversationId: v.conversationId, afterSeq: v.view.contiguous() },
      deadline,
    );
    for (const m of res.messages) v.view.add(m);
  }

  // What the database holds.
  // A small pool: every FerretDB operation holds a PostgreSQL connection, and those are scarce.
  const conn = await mongoose.createConnection(uri, { maxPoolSize: 5 }).asPromise();
  const messages = await conn.collection('messages').find({}).toArray();
  const conversations = await conn.collection('conversations').find({}).toArray();
  const byClientId = new Map<string, number>();
  const byText = new Map<string, number>();
  for (const m of messages) {
    const key = `${m.conversationId}:${m.clientId}`;
    byClientId.set(key, (byClientId.get(key) ?? 0) + 1);
    if (m.author !== 'system') byText.set(`${m.conversationId}:${m.text}`, (byText.get(`${m.conversationId}:${m.text}`) ?? 0) + 1);
  }
  let stored = 0;
  let lost = 0;
  for (const [clientId, a] of acked) {
    const n = byClientId.get(`${a.conversationId}:${clientId}`) ?? 0;
    if (n === 0) lost++;
    else stored++;
  }
  const duplicated = [...byClientId.values(), ...byText.values()].filter((n) => n > 1).length;

  const dbIds = (conversationId: string) =>
    messages
      .filter((m) => String(m.conversationId) === conversationId)
      .sort((a, b) => a.seq - b.seq)
      .map((m) => String(m._id));
  const visitorMismatches = visitorViews.filter((v) => JSON.stringify(v.view.ids()) !== JSON.stringify(dbIds(v.conversationId)));
  const agentMismatches = conversations.filter((c) => {
    if (c.status !== 'active') return false;
    const view = agentViews.get(String(c._id));
    return !view || JSON.stringify(view.ids()) !== JSON.stringify(dbIds(String(c._id)));
  });
  for (const v of visitorMismatches.slice(0, 2)) {
    const db = messages.filter((m) => String(m.conversationId) === v.conversationId).sort((a, b) => a.seq - b.seq);
    console.log(
      'mismatch',
      v.conversationId,
      'view',
      [...v.view.byId.values()].map((m) => `${m.seq}:${m.author}:${m.text}`),
      'db',
      db.map((m) => `${m.seq}:${m.author}:${m.text}`),
    );
  }
  for (const c of agentMismatches.slice(0, 2)) {
    const db = messages.filter((m) => String(m.conversationId) === String(c._id)).sort((a, b) => a.seq - b.seq);
    const v = agentViews.get(String(c._id));
    console.log(
      'agent mismatch',
      String(c._id),
      'view',
      v ? [...v.byId.values()].sort((a, b) => a.seq - b.seq).map((m) => `${m.seq}:${m.author}:${m.text}`) : null,
      'db',
      db.map((m) => `${m.seq}:${m.author}:${m.text}`),
      JSON.stringify(c.routing),
    );
  }
  const statuses = new Map<string, number>();
  for (const c of conversations) statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
  const stranded = conversations.filter((c) => !(c.status === 'active' && c.assignee) && !['queued', 'offered', 'ticket'].includes(c.status));

  console.log(
    `fault: processes=${PROCESSES} visitors=${VISITORS} agents=${AGENTS} kills=${KILLS} sent=${sent + agentTasks.length} acknowledged=${acked.size} ` +
      `stored=${stored} lost=${lost} duplicated=${duplicated} view-mismatches=${visitorMismatches.length + agentMismatches.length} ` +
      `chats=${JSON.stringify(Object.fromEntries(statuses))}` +
      (replyFailures.size ? ` unacknowledged-replies=${JSON.stringify(Object.fromEntries(replyFailures))}` : ''),
  );

  for (const s of [...agents, ...visitorViews.map((v) => v.socket)]) s.disconnect();
  for (let i = 0; i < PROCESSES; i++) await killServer(i);
  await conn.dropDatabase();
  await conn.close();

  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
  expect(acked.size).toBe(stored);
  expect(visitorMismatches.map((v) => v.conversationId)).toEqual([]);
  expect(agentMismatches.map((c) => String(c._id))).toEqual([]);
  expect(stranded.map((c) => `${c._id}:${c.status}`)).toEqual([]);
}, 300_000);
