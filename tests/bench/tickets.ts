/**
 * The ticket store at volume: seeds N tickets (timelines of 5–30 events, transcripts of 0–12
 * lines, chained under the server's audit key) in bulk, then times the console's own queries
 * through the HTTP API and prints p50/p99 of each.
 *
 *   MONGODB_URI=… npx -y pnpm@10.34.8 bench:tickets [N=10000] [runs=20]
 *
 * Run on demand, not in CI. Seeding writes the documents the store writes (ticket, events,
 * transcript lines) with insertMany, then counts them into the tallies as migration 0002 does.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { isoWeekKey, type TicketPage } from '@kamflo/shared';
import { connectDatabase } from '../../server/src/db/connect.ts';
import { createApp } from '../../server/src/app.ts';
import { testConfig } from '../../server/src/config.ts';
import { silentLogger } from '../../server/src/lib/logger.ts';
import { auditedState } from '../../server/src/tickets/event-chain.ts';
import { ticketTalliesMigration } from '../../server/src/tickets/ticket-tallies.ts';
import { ticketSearchMigration } from '../../server/src/tickets/ticket-search.ts';

const [N = 10_000, runs = 20] = process.argv.slice(2).map(Number);
const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('Set MONGODB_URI (tests/db/ferretdb.sh prints one)');

const conn = await connectDatabase(uri, { dbName: `kamflo_bench_tickets_${crypto.randomBytes(3).toString('hex')}` });
// KAMFLO_FERRETDB_POSTGRES_URL set: FerretDB's tables get the GIN indexes (db/ferretdb-indexes.ts).
const ferretdbPostgresUrl = process.env.KAMFLO_FERRETDB_POSTGRES_URL;
console.log(ferretdbPostgresUrl ? 'with the FerretDB GIN indexes (KAMFLO_FERRETDB_POSTGRES_URL)' : 'without the FerretDB GIN indexes');
const kamflo = await createApp({ conn, config: testConfig(ferretdbPostgresUrl ? { ferretdbPostgresUrl } : {}), log: silentLogger, sweepIntervalMs: false });
await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(kamflo.httpServer.address() as AddressInfo).port}`;
const { chain } = kamflo.services.tickets;

await kamflo.services.agents.createAgent({ email: 'bench@example.com', name: 'Bench', role: 'admin', password: 'bench password' });
const { token } = await kamflo.services.agents.signIn('bench@example.com', 'bench password');
const agentId = (await kamflo.services.agents.Agent.findOne({ email: 'bench@example.com' }).lean())!._id;
const cookie = `kamflo_session=${token}`;

const STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
const CATEGORIES = ['general', 'billing', 'technical', 'account'] as const;
const SOURCES = ['chat', 'email', 'help_center', 'agent'] as const;
const rand = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
// Subject words, each in about an eighth of the tickets.
const TOPICS = ['kettle', 'invoice', 'password', 'refund', 'delivery', 'login', 'upgrade', 'crash'] as const;

const t0 = Date.now();
const start = Date.now() - 365 * 86_400_000;
for (let i = 0; i < N; i += 500) {
  const tickets: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  for (let j = i; j < Math.min(N, i + 500); j++) {
    const _id = new Types.ObjectId();
    const createdAt = new Date(start + (j / N) * 365 * 86_400_000);
    const status = rand(STATUSES);
    const ticket = {
      _id,
      number: 1001 + j,
      subject: `${rand(TOPICS)} problem with order ${j}`,
      priority: rand(PRIORITIES),
      category: rand(CATEGORIES),
      status,
      source: rand(SOURCES),
      requester: { name: `Customer ${j}`, email: `c${j}@example.com` },
      assignee: Math.random() < 0.6 ? agentId : null,
      assigneeName: 'Bench',
      createdAt,
      updatedAt: createdAt,
      slaDueAt: new Date(createdAt.getTime() + 4 * 3_600_000),
      level: 'L1',
      alertsFired: [],
      openedWeek: isoWeekKey(createdAt),
      resolvedWeek: status === 'resolved' ? isoWeekKey(createdAt) : null,
      ...(status === 'open' ? {} : { firstResponseAt: createdAt }),
      eventCount: 0,
      lastHash: '',
      transcriptCount: 0,
    };
    const n = 5 + Math.floor(Math.random() * 26);
    let prevHash = '';
    for (let seq = 1; seq <= n; seq++) {
      const base = {
        seq,
        type: seq === 1 ? 'created' : seq % 3 ? 'note' : 'reply',
        visibility: seq % 3 ? 'internal' : 'public',
        actorKind: 'agent' as const,
        actorName: 'Bench',
        text: `Step ${seq} for order ${j}: checked the courier and the warehouse.`,
        at: createdAt,
        prevHash,
        ...(seq === n ? { state: auditedState(ticket as never) } : {}),
      };
      const hash = chain.eventHash(base as never);
      prevHash = hash;
      events.push({ ...base, hash, _id: `${_id}:${seq}`, ticketId: _id });
    }
    const m = Math.floor(Math.random() * 13);
    for (let seq = 1; seq <= m; seq++)
      lines.push({ _id: `${_id}:${seq}`, ticketId: _id, seq, author: seq % 2 ? 'visitor' : 'agent', text: `Line ${seq}`, at: createdAt });
    tickets.push({ ...ticket, eventCount: n, lastHash: prevHash, transcriptCount: m });
  }
  await Promise.all([
    conn.collection('tickets').insertMany(tickets),
    conn.collection('ticket_events').insertMany(events),
    lines.length ? conn.collection('ticket_transcripts').insertMany(lines) : null,
  ]);
  if ((i / 500) % 20 === 0) process.stdout.write(`seeded ${Math.min(N, i + 500)}/${N}\r`);
}
await ticketTalliesMigration({ conn }).run(silentLogger);
console.log(`seeded ${N} tickets in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
// The search postings, written as migration 0003 writes them for an upgrade.
const t1 = Date.now();
await ticketSearchMigration({ conn }).run(silentLogger);
const postings = await conn.collection('ticket_terms').estimatedDocumentCount();
console.log(`indexed for search in ${((Date.now() - t1) / 1000).toFixed(1)} s: ${postings} postings (${(postings / N).toFixed(1)} per ticket)`);

async function get(path: string): Promise<unknown> {
  const res = await fetch(url + path, { headers: { cookie } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const firstPage = (await get('/api/tickets')) as TicketPage;
const someNumber = firstPage.tickets[0]!.number;
const cases: [string, () => Promise<unknown>][] = [
  ['default list (50, by SLA risk)', () => get('/api/tickets')],
  ['next page by cursor', () => get(`/api/tickets?cursor=${firstPage.next}`)],
  ['status=open', () => get('/api/tickets?status=open')],
  ['priority=high', () => get('/api/tickets?priority=high')],
  ['status=open&priority=high', () => get('/api/tickets?status=open&priority=high')],
  [`assignee=<agent>`, () => get(`/api/tickets?assignee=${agentId}`)],
  ['assignee=none', () => get('/api/tickets?assignee=none')],
  ['category=billing', () => get('/api/tickets?category=billing')],
  ['source=email', () => get('/api/tickets?source=email')],
  ['queue=past_due', () => get('/api/tickets?queue=past_due')],
  ['sort=newest', () => get('/api/tickets?sort=newest')],
  ['sort=updated', () => get('/api/tickets?sort=updated')],
  ['one ticket with its timeline', () => get(`/api/tickets/${someNumber}`)],
  ['dashboard counts', () => get('/api/dashboard')],
  ['weekly chart', () => get('/api/dashboard/weekly')],
  // Search: a rare term (one ticket), #number, a subject word in an eighth of the tickets, a word
  // in every ticket's replies (past the per-word cap), a rare word with a common one, and a filter.
  [`search: requester email (1 ticket)`, () => get(`/api/tickets?q=${encodeURIComponent(`c${Math.floor(N / 2)}@example.com`)}`)],
  [`search: #number`, () => get(`/api/tickets?q=${encodeURIComponent(`#${someNumber}`)}`)],
  ['search: a subject word (1/8)', () => get('/api/tickets?q=kettle')],
  ['search: a word in every ticket', () => get('/api/tickets?q=courier')],
  ['search: rare + common word', () => get(`/api/tickets?q=${encodeURIComponent(`order ${Math.floor(N / 3)}`)}`)],
  ['search: word + status=open', () => get('/api/tickets?q=kettle&status=open')],
  ['tag=vip (none tagged)', () => get('/api/tickets?tag=vip')],
];

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
console.log(`\n${N} tickets, ${runs} runs each (ms)\n`);
console.log(`${'query'.padEnd(34)} ${'p50'.padStart(9)} ${'p99'.padStart(9)}`);
for (const [name, run] of cases) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await run();
    times.push(performance.now() - s);
  }
  console.log(`${name.padEnd(34)} ${pct(times, 50).toFixed(1).padStart(9)} ${pct(times, 99).toFixed(1).padStart(9)}`);
}

await kamflo.close(1000);
await conn.dropDatabase();
await conn.close();
