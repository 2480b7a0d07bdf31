import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChainVerificationDto, TicketDetailDto, TicketDto, TicketEventDto, TimelinePage } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { silentLogger } from '../lib/logger.ts';
import { legacyEventHash } from './event-chain.ts';
import { ticketTimelineMigration } from './timeline-migration.ts';
import { createApp } from '../app.ts';
import { testConfig } from '../config.ts';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

type Agent = Awaited<ReturnType<TestServer['createAgent']>>;
const newTicket = (a: Agent) =>
  s.api<TicketDto>('/api/tickets', {
    cookie: a.cookie,
    body: {
      requesterEmail: 'cus@example.com',
      requesterName: 'Cus Tomer',
      subject: 'Invoice wrong',
      message: 'Charged twice',
      priority: 'high',
      category: 'billing',
    },
  });
const post = (a: Agent, path: string, body: unknown) => s.api<TicketDetailDto>(path, { cookie: a.cookie, body });
const verify = async (admin: Agent, n = 1001) => (await s.api<ChainVerificationDto>(`/api/admin/tickets/${n}/verify`, { cookie: admin.cookie })).body;
const ticketId = async (n = 1001) => (await s.conn.collection('tickets').findOne({ number: n }))!._id;

describe('the keyed audit chain', () => {
  let alice: Agent;
  let admin: Agent;
  beforeEach(async () => {
    alice = await s.createAgent('Alice');
    admin = await s.createAgent('Ada Admin', 'admin');
    await newTicket(alice);
    await post(alice, '/api/tickets/1001/notes', { text: 'checked the invoice' });
    await post(alice, '/api/tickets/1001/priority', { priority: 'medium' });
    expect(await verify(admin)).toEqual({ number: 1001, events: 3, ok: true });
  });

  it('an event edited and re-hashed without the key is found', async () => {
    const id = await ticketId();
    const events = s.conn.collection('ticket_events');
    const note = (await events.findOne({ ticketId: id, seq: 2 }))!;
    // The attacker recomputes the hash the way an unkeyed chain would be recomputed.
    const forged = { ...note, text: 'nothing to see here' } as any;
    const { hash: _h, _id, ticketId: _t, key: _k, ...content } = forged;
    await events.updateOne({ _id }, { $set: { text: forged.text, hash: legacyEventHash(content) } });
    expect(await verify(admin)).toMatchObject({ ok: false, brokenSeq: 2, reason: 'altered' });
  });

  it('a removed event is found', async () => {
    await s.conn.collection('ticket_events').deleteOne({ ticketId: await ticketId(), seq: 3 });
    expect(await verify(admin)).toMatchObject({ ok: false, brokenSeq: 3, reason: 'missing' });
  });

  it.each([
    ['status', { status: 'resolved' }],
    ['assignee', { assignee: null }],
    ['priority', { priority: 'low' }],
    ['level', { level: 'L3' }],
    ['requesterEmail', { 'requester.email': 'attacker@example.com' }],
    ['requesterName', { 'requester.name': 'Someone Else' }],
  ] as const)('a direct edit of the ticket’s %s is found', async (field, set) => {
    await s.conn.collection('tickets').updateOne({ number: 1001 }, { $set: set });
    expect(await verify(admin)).toEqual({ number: 1001, events: 3, ok: false, brokenSeq: 3, reason: 'ticket_altered', field });
  });

  it('the history pages by cursor, without gaps or repeats', async () => {
    for (let i = 0; i < 4; i++) await post(alice, '/api/tickets/1001/notes', { text: `note ${i}` });
    const seqs: number[] = [];
    let after = 0;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await s.api<TimelinePage<TicketEventDto>>(`/api/tickets/1001/events?after=${after}&limit=3`, { cookie: alice.cookie })).body;
      seqs.push(...page.items.map((e) => e.seq));
      if (page.next === undefined) break;
      after = page.next;
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const q of ['limit=0', 'limit=501', 'after=-1', 'after=x', 'other=1']) {
      expect((await s.api(`/api/tickets/1001/events?${q}`, { cookie: alice.cookie })).status).toBe(400);
    }
    expect((await s.api('/api/tickets/9999/events', { cookie: alice.cookie })).status).toBe(404);
    expect((await s.api('/api/tickets/1001/events')).status).toBe(401);
  });

  it('an event a dead writer left past the commit is replaced by the next change, and the chain holds', async () => {
    const id = await ticketId();
    // A writer stored seq 4 and died before updating the ticket (the commit).
    await s.conn
      .collection('ticket_events')
      .insertOne({ _id: `${id}:4` as never, ticketId: id, seq: 4, type: 'note', text: 'never committed', hash: 'x', prevHash: 'y' });
    expect(await verify(admin)).toEqual({ number: 1001, events: 3, ok: true });
    await post(alice, '/api/tickets/1001/notes', { text: 'the real fourth' });
    const detail = (await s.api<TicketDetailDto>('/api/tickets/1001', { cookie: alice.cookie })).body;
    expect(detail.events.map((e) => e.text).at(-1)).toBe('the real fourth');
    expect(await verify(admin)).toEqual({ number: 1001, events: 4, ok: true });
  });

  it('ticket documents stay small: no history inside them', async () => {
    const raw = await s.conn.collection('tickets').findOne({ number: 1001 });
    expect(raw).not.toHaveProperty('events');
    expect(raw).not.toHaveProperty('transcript');
    expect(raw).toMatchObject({ eventCount: 3 });
  });

  it('a server started with another audit key refuses to start on this database', async () => {
    const other = createApp({
      conn: s.conn,
      config: testConfig({ auditKey: crypto.randomBytes(32).toString('hex') }),
      log: silentLogger,
      sweepIntervalMs: false,
    });
    await expect(other).rejects.toThrow(/audit key differs/);
  });
});

describe('the upgrade from history inside the ticket (migration 0001)', () => {
  /** A ticket as earlier versions stored it: events chained with unkeyed sha256, transcript inside. */
  async function oldShapeTicket(number: number, tamperSeq?: number) {
    const at = new Date('2026-01-05T10:00:00Z');
    let prevHash = '';
    const events = [
      { seq: 1, type: 'created', visibility: 'public', actorKind: 'customer', actorName: 'Old Cus', text: 'It broke', data: { messageId: 'm-1' } },
      { seq: 2, type: 'note', visibility: 'internal', actorKind: 'agent', actorId: 'a1', actorName: 'Alice', text: 'looking' },
      { seq: 3, type: 'status_changed', visibility: 'public', actorKind: 'agent', actorId: 'a1', actorName: 'Alice', from: 'open', to: 'in_progress' },
    ].map((e) => {
      const base = { ...e, at, prevHash };
      const hash = legacyEventHash(base as any);
      prevHash = hash;
      return { ...base, hash };
    });
    if (tamperSeq) events[tamperSeq - 1]!.text = 'rewritten';
    const _id = new (await import('mongoose')).Types.ObjectId();
    await s.conn.collection('tickets').insertOne({
      _id,
      number,
      subject: 'Old ticket',
      priority: 'medium',
      category: 'general',
      status: 'in_progress',
      source: 'chat',
      requester: { name: 'Old Cus' },
      assignee: null,
      createdAt: at,
      updatedAt: at,
      slaDueAt: at,
      level: 'L1',
      openedWeek: '2026-W02',
      resolvedWeek: null,
      alertsFired: [],
      transcript: [
        { seq: 1, author: 'visitor', text: 'hello', at },
        { seq: 2, author: 'agent', authorName: 'Alice', text: 'hi', at },
      ],
      events,
      eventCount: 3,
      lastHash: prevHash,
    });
  }

  it('moves history and transcript out, re-chains them under the key, and keeps an earlier break visible', async () => {
    const admin = await s.createAgent('Ada Admin', 'admin');
    await oldShapeTicket(5001);
    await oldShapeTicket(5002, 2);
    await ticketTimelineMigration({ conn: s.conn, chain: s.kamflo.services.tickets.chain }).run(silentLogger);

    const raw = await s.conn.collection('tickets').findOne({ number: 5001 });
    expect(raw).not.toHaveProperty('events');
    expect(raw).not.toHaveProperty('transcript');
    expect(await verify(admin, 5001)).toEqual({ number: 5001, events: 3, ok: true });
    expect(await verify(admin, 5002)).toEqual({ number: 5002, events: 3, ok: false, brokenSeq: 2, reason: 'before_migration' });

    const detail = (await s.api<TicketDetailDto>('/api/tickets/5001', { cookie: admin.cookie })).body;
    expect(detail.events.map((e) => e.type)).toEqual(['created', 'note', 'status_changed']);
    expect(detail.transcript.map((m) => m.text)).toEqual(['hello', 'hi']);

    // Running again changes nothing; a customer's retried message is still recognised by its id.
    await ticketTimelineMigration({ conn: s.conn, chain: s.kamflo.services.tickets.chain }).run(silentLogger);
    expect(await verify(admin, 5001)).toEqual({ number: 5001, events: 3, ok: true });
    await s.services.tickets.actions.customerMessage(raw!._id, { id: 'm-1', seq: 9, text: 'It broke' }, 'Old Cus');
    expect((await s.api<TicketDetailDto>('/api/tickets/5001', { cookie: admin.cookie })).body.events).toHaveLength(3);
    // And the migrated ticket takes new events on its new chain.
    await post(admin, '/api/tickets/5001/notes', { text: 'after the upgrade' });
    expect(await verify(admin, 5001)).toEqual({ number: 5001, events: 4, ok: true });
  });
});
