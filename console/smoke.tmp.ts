// Temporary end-to-end smoke against a running server (not committed).
import { io } from 'socket.io-client';
import { createHttpApi, errorMessage } from './src/lib/api.ts';
import { createRealtime, type AgentSocket } from './src/lib/socket.ts';

const BASE = 'http://127.0.0.1:3917';
let cookie = '';
const fetchWithCookies: typeof fetch = async (url, init = {}) => {
  const headers = { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) };
  const res = await fetch(BASE + String(url), { ...init, headers });
  const set = res.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0]!;
  return res;
};
const api = createHttpApi({ fetch: fetchWithCookies });
const log = (...a: unknown[]) => console.log('•', ...a);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

try {
  await api.call('GET /api/auth/me').catch((e) => log('me before sign-in:', e.status, errorMessage(e)));
  await api.call('POST /api/auth/sign-in', { body: { email: 'admin@example.com', password: 'nope' } }).catch((e) => log('wrong password:', e.status, e.code, errorMessage(e)));
  const agent = await api.call('POST /api/auth/sign-in', { body: { email: 'admin@example.com', password: 'console-smoke-pw' } });
  log('signed in as', agent.name, agent.role);
  log('me:', (await api.call('GET /api/auth/me')).email);
  log('dashboard:', await api.call('GET /api/dashboard'));

  const socket = io(`${BASE}/agent`, { autoConnect: false, extraHeaders: { cookie } }) as AgentSocket;
  const rt = createRealtime(socket);
  const requests: unknown[] = [];
  rt.on('chat:requests', (r) => { requests.push(r); log('chat:requests', r.map((x) => `${x.visitorName}/${x.state}`)); });
  rt.on('chat:message', (m) => log('agent got chat:message', m.seq, m.author, m.text));
  rt.on('chat:updated', (c) => log('chat:updated', c.status, c.ticketNumber ?? ''));
  rt.on('ticket:updated', (t) => log('ticket:updated', t.number, t.status));
  rt.on('dashboard:counts', (c) => log('dashboard:counts', c));
  const connected = new Promise<void>((r) => rt.onConnectionChange((ok, err) => { log('connection', ok, err ?? ''); if (ok) r(); }));
  rt.connect();
  await connected;
  const list = await rt.request('chat:list', {});
  log('chat:list', JSON.stringify(list).slice(0, 200));

  // A visitor starts a chat.
  const visitor = await api.call('POST /api/visitors', { body: {} });
  log('visitor', visitor.visitorId);
  const vs = io(`${BASE}/visitor`, { auth: { token: visitor.token }, forceNew: true });
  vs.on('connect_error', (e) => log('visitor connect_error', e.message));
  await new Promise((r) => vs.on('connect', r as () => void));
  log('visitor connected');
  const start = await vs.timeout(5000).emitWithAck('chat:start', { clientId: 'visitor-msg-0001', text: 'Hello, my card was declined', page: 'https://shop.example.com/checkout' });
  log('visitor chat:start', JSON.stringify(start).slice(0, 200));
  await wait(500);
  const last = requests.at(-1) as { conversationId: string; state: string }[] | undefined;
  const req = last?.[0];
  if (!req) throw new Error('no request arrived');
  const accepted = req.state === 'offered' ? await rt.request('chat:accept', { conversationId: req.conversationId }) : await rt.request('chat:take', { conversationId: req.conversationId });
  log('accept/take', JSON.stringify(accepted).slice(0, 300));
  const again = await rt.request('chat:take', { conversationId: req.conversationId });
  log('take again', JSON.stringify(again));
  const sent = await rt.request('chat:message', { conversationId: req.conversationId, clientId: crypto.randomUUID(), text: 'Hi! Let me check.' });
  log('agent send', JSON.stringify(sent).slice(0, 200));
  const sync = await rt.request('chat:sync', { conversationId: req.conversationId, afterSeq: 0 });
  log('sync', sync.ok ? sync.data.messages.map((m) => `${m.seq}:${m.author}`) : sync.error);

  const created = await api.call('POST /api/conversations/:id/ticket', { params: { id: req.conversationId }, body: { subject: 'Card declined', priority: 'high', category: 'billing' } });
  log('ticket created', created.number, created.status, created.source);
  const detail = await api.call('GET /api/tickets/:number', { params: { number: created.number } });
  log('detail', detail.transcript.length, 'transcript msgs;', detail.events.map((e) => e.type));
  const r1 = await api.call('POST /api/tickets/:number/replies', { params: { number: created.number }, body: { text: 'We are on it' } });
  log('reply ->', r1.events.map((e) => e.type), 'firstResponseAt', r1.firstResponseAt);
  const r2 = await api.call('POST /api/tickets/:number/notes', { params: { number: created.number }, body: { text: 'bank issue' } });
  log('note ->', r2.events.map((e) => e.type));
  await api.call('POST /api/tickets/:number/resolve', { params: { number: created.number }, body: { closingMessage: '' } }).catch((e) => log('empty resolve:', e.status, errorMessage(e)));
  const r3 = await api.call('POST /api/tickets/:number/resolve', { params: { number: created.number }, body: { closingMessage: 'Resolved.' } });
  log('resolve ->', r3.status, r3.events.map((e) => e.type));
  log('tickets', (await api.call('GET /api/tickets')).map((t) => `${t.number}:${t.status}`));
  await wait(300);
  await api.call('POST /api/auth/sign-out');
  await api.call('GET /api/auth/me').catch((e) => log('me after sign-out:', e.status));
  vs.disconnect();
  rt.disconnect();
} catch (e) {
  console.error('SMOKE FAILED', e);
  process.exitCode = 1;
}
