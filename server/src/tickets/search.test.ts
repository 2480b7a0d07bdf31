import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedViewDto, TicketDetailDto, TicketPage } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { silentLogger } from '../lib/logger.ts';
import { createTicketSearch, ticketSearchMigration } from './ticket-search.ts';
import { parseSearch, searchTerms } from './search-terms.ts';

let s: TestServer;
let alice: Awaited<ReturnType<TestServer['createAgent']>>;
let lead: Awaited<ReturnType<TestServer['createAgent']>>;
let admin: Awaited<ReturnType<TestServer['createAgent']>>;
const n: Record<string, number> = {};

async function request(name: string, email: string, subject: string, message: string): Promise<number> {
  s.clock.advance(60_000);
  const r = await s.api<{ ticketNumber: number }>('/api/helpcenter/requests', { body: { name, email, subject, message } });
  expect(r.status).toBe(201);
  return r.body.ticketNumber;
}
const search = async (query: string, cookie = alice.cookie) => {
  const res = await s.api<TicketPage>(`/api/tickets?${query}`, { cookie });
  expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body.tickets.map((t) => t.number);
};

beforeAll(async () => {
  s = await startTestServer();
  [alice, lead, admin] = await Promise.all([s.createAgent('Alice'), s.createAgent('Lena Lead', 'team_lead'), s.createAgent('Ada Admin', 'admin')]);
  n.refund = await request('Maria Gomez', 'maria@shop.example', 'Refund for a broken kettle', 'The kettle arrived broken, I want my money back.');
  n.login = await request('Tom Baker', 'tom.baker@mail.example', 'Cannot sign in', 'The password reset mail never arrives.');
  n.invoice = await request('Ines Müller', 'ines@firma.example', 'Invoice address', 'Please change the address on invoice 4471 to our new office.');
  n.kettle2 = await request('Sam Lee', 'sam@home.example', 'Kettle question', 'Is the kettle dishwasher safe? Mine has a refund sticker.');
  // An agent's reply is searchable too.
  const reply = await s.api(`/api/tickets/${n.login}/replies`, { cookie: alice.cookie, body: { text: 'I have unlocked your account; try the magic link.' } });
  expect(reply.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await s.close();
});

describe('ticket search', () => {
  it('finds by a subject word, the requester email or name, a customer message word and an agent reply word', async () => {
    expect(await search('q=kettle')).toEqual(expect.arrayContaining([n.refund, n.kettle2]));
    expect((await search('q=kettle')).length).toBe(2);
    expect(await search(`q=${encodeURIComponent('tom.baker@mail.example')}`)).toEqual([n.login]);
    expect(await search('q=gomez')).toEqual([n.refund]);
    expect(await search('q=dishwasher')).toEqual([n.kettle2]);
    expect(await search('q=unlocked')).toEqual([n.login]);
    // Case, accents and plurals fold: "MULLER" finds Müller, "invoices" finds "invoice".
    expect(await search('q=MULLER')).toEqual([n.invoice]);
    expect(await search('q=invoices')).toEqual([n.invoice]);
    expect(await search('q=nothing-like-this')).toEqual([]);
  });

  it('every word must match, and a subject match ranks above a message match', async () => {
    expect(await search('q=kettle%20broken')).toEqual([n.refund]);
    // "refund" is n.refund's subject but only a message word of n.kettle2.
    expect(await search('q=refund')).toEqual([n.refund, n.kettle2]);
  });

  it('#number is that ticket, and only if it passes the filters', async () => {
    expect(await search(`q=%23${n.invoice}`)).toEqual([n.invoice]);
    expect(await search(`q=%23${n.invoice}&status=open`)).toEqual([n.invoice]);
    expect(await search(`q=%23${n.invoice}&status=resolved`)).toEqual([]);
    expect(await search(`q=%23${n.invoice}%20address`)).toEqual([n.invoice]);
    expect(await search(`q=%23${n.invoice}%20kettle`)).toEqual([]);
    expect(await search('q=%23999999')).toEqual([]);
  });

  it('combines with the list filters (status, priority, tag, assignee)', async () => {
    expect(await search('q=kettle&status=open')).toHaveLength(2);
    await s.api(`/api/tickets/${n.kettle2}/priority`, { cookie: alice.cookie, body: { priority: 'high' } });
    expect(await search('q=kettle&priority=high')).toEqual([n.kettle2]);
    expect(await search('q=kettle&priority=low')).toEqual([]);
    // The reply made Alice the assignee of the login ticket.
    expect(await search(`q=password&assignee=${alice.id}`)).toEqual([n.login]);
    expect(await search('q=password&assignee=none')).toEqual([]);
    await s.api(`/api/tickets/${n.refund}/tags`, { cookie: alice.cookie, body: { add: ['vip'] } });
    expect(await search('q=kettle&tag=vip')).toEqual([n.refund]);
  });

  it('pages a search by cursor, every match once', async () => {
    for (let i = 0; i < 5; i++) await request(`P${i}`, `p${i}@example.com`, `Pagination probe ${i}`, 'paging words');
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await s.api<TicketPage>(`/api/tickets?q=pagination&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { cookie: alice.cookie });
      seen.push(...res.body.tickets.map((t) => t.number));
      if (!res.body.next) break;
      cursor = res.body.next;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    // A cursor from one query is refused in another.
    expect((await s.api(`/api/tickets?q=other&cursor=${cursor}`, { cookie: alice.cookie })).status).toBe(400);
  });

  it('refuses an empty or overlong query, and a list cursor given to a search', async () => {
    for (const q of ['q=', 'q=%20%20', `q=${'x'.repeat(201)}`, 'tag=has%20space', 'tag=', `tag=${'t'.repeat(33)}`]) {
      const res = await s.api(`/api/tickets?${q}`, { cookie: alice.cookie });
      expect(res.status, q).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
    const list = (await s.api<TicketPage>('/api/tickets?limit=1', { cookie: alice.cookie })).body;
    expect((await s.api(`/api/tickets?q=kettle&cursor=${list.next}`, { cookie: alice.cookie })).status).toBe(400);
  });

  it('a word in more postings than a search reads: the other words are looked up for the candidates, and the page says when it is partial', async () => {
    // The cap counts postings (one per ticket and field the word is in): "paging" is in five messages.
    const capped = createTicketSearch({ conn: s.conn, Ticket: s.kamflo.services.tickets.store.Ticket, wordCap: 4 });
    const [p3] = await search('q=p3');
    // "p3" (a requester) is rare and drives; "paging" is past the cap, so it is looked up for the candidate by _id.
    const both = await capped.search({ q: 'p3 paging' }, s.clock.now());
    expect(both.tickets.map((t) => t.number)).toEqual([p3]);
    expect(both.partial).toBeUndefined();
    const common = await capped.search({ q: 'paging' }, s.clock.now());
    expect(common.partial).toBe(true);
    expect(common.tickets).toHaveLength(4);
    // The uncapped search finds all five.
    expect(await search('q=paging')).toHaveLength(5);
  });

  it('migration 0003 indexes tickets that existed before search', async () => {
    await s.conn.collection('ticket_terms').deleteMany({});
    expect(await search('q=dishwasher')).toEqual([]);
    await ticketSearchMigration({ conn: s.conn }).run(silentLogger);
    expect(await search('q=dishwasher')).toEqual([n.kettle2]);
    expect(await search('q=unlocked')).toEqual([n.login]);
    expect(await search('q=gomez')).toEqual([n.refund]);
  });

  it('terms: emails whole, words folded and stemmed, stop words dropped; #n parsed', () => {
    expect(searchTerms('The Refunds for café@x.example')).toEqual(['café@x.example'.normalize('NFKD').replace(/\p{M}+/gu, ''), 'refund', 'cafe', 'example']);
    expect(parseSearch('#1234 broken kettles')).toEqual({ number: 1234, terms: ['broken', 'kettle'] });
    expect(parseSearch('order 1234')).toEqual({ terms: ['order', '1234'] });
    // A query's email address is one term (its parts are in many requesters).
    expect(parseSearch('Tom.Baker@mail.example refund')).toEqual({ terms: ['tom.baker@mail.example', 'refund'] });
  });
});

describe('tags', () => {
  it('adds and removes tags, records each change in the history, filters the list, and the chain still verifies', async () => {
    const add = await s.api<TicketDetailDto>(`/api/tickets/${n.invoice}/tags`, { cookie: alice.cookie, body: { add: ['Billing', 'urgent-fix'] } });
    expect(add.status).toBe(200);
    expect(add.body.tags).toEqual(['billing', 'urgent-fix']);
    const again = await s.api<TicketDetailDto>(`/api/tickets/${n.invoice}/tags`, { cookie: alice.cookie, body: { add: ['billing'], remove: ['urgent-fix'] } });
    expect(again.body.tags).toEqual(['billing']);
    const events = again.body.events.filter((e) => e.type === 'tags_changed');
    expect(events.map((e) => e.data)).toEqual([
      { added: 'billing,urgent-fix', removed: '' },
      { added: '', removed: 'urgent-fix' },
    ]);
    expect(events[0]!.actor.name).toBe('Alice');
    // Nothing to change: no event.
    const same = await s.api<TicketDetailDto>(`/api/tickets/${n.invoice}/tags`, { cookie: alice.cookie, body: { remove: ['absent'] } });
    expect(same.body.events.filter((e) => e.type === 'tags_changed')).toHaveLength(2);
    expect(await search('tag=billing')).toEqual([n.invoice]);
    expect(await search('tag=urgent-fix')).toEqual([]);
    for (const sort of ['sla', 'newest', 'updated']) expect(await search(`tag=billing&sort=${sort}`)).toEqual([n.invoice]);
    const verify = await s.api(`/api/admin/tickets/${n.invoice}/verify`, { cookie: admin.cookie });
    expect(verify.body).toMatchObject({ ok: true });
    // The tags are in the chained hash: editing an event's data breaks the chain.
    const list = (await s.api<TicketPage>(`/api/tickets?tag=billing`, { cookie: alice.cookie })).body.tickets[0]!;
    expect(list.tags).toEqual(['billing']);
  });

  it('refuses bad tag input with a 400 naming the problem, and an unknown ticket with a 404', async () => {
    for (const body of [
      {},
      { add: [] },
      { add: ['two words'] },
      { add: [''] },
      { add: ['x'.repeat(33)] },
      { add: ['a'], remove: ['a'] },
      { add: 'vip' },
      { tags: ['a'] },
    ]) {
      const res = await s.api(`/api/tickets/${n.invoice}/tags`, { cookie: alice.cookie, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect((await s.api(`/api/tickets/${n.invoice}/tags`, { cookie: alice.cookie, body: { add: many } })).status).toBe(400);
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const full = await s.api(`/api/tickets/${n.invoice}/tags`, { cookie: alice.cookie, body: { add: twenty } });
    expect(full.status).toBe(400);
    expect(full.body.error.message).toMatch(/at most 20 tags/);
    expect((await s.api('/api/tickets/999999/tags', { cookie: alice.cookie, body: { add: ['vip'] } })).status).toBe(404);
    expect((await s.api(`/api/tickets/${n.invoice}/tags`, { body: { add: ['vip'] } })).status).toBe(401);
  });
});

describe('saved views', () => {
  it('personal views are their owner’s; shared ones (team leads and above) everyone sees; each with its count', async () => {
    const mine = await s.api<SavedViewDto>('/api/views', {
      cookie: alice.cookie,
      body: { name: 'My open High', query: { assignee: 'me', status: 'open', priority: 'high' } },
    });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ name: 'My open High', shared: false, count: 0, canDelete: true });
    // Alice takes the high kettle ticket: her view counts it.
    await s.api(`/api/tickets/${n.kettle2}/assign`, { cookie: alice.cookie, body: { agentId: alice.id } });
    const shared = await s.api<SavedViewDto>('/api/views', {
      cookie: lead.cookie,
      body: { name: 'Unassigned past due', shared: true, query: { assignee: 'none', queue: 'past_due' } },
    });
    expect(shared.status).toBe(201);
    const searchView = await s.api<SavedViewDto>('/api/views', { cookie: lead.cookie, body: { name: 'Kettles', query: { q: 'kettle' } } });
    expect(searchView.body.count).toBe(2);

    const alices = (await s.api<SavedViewDto[]>('/api/views', { cookie: alice.cookie })).body;
    expect(alices.map((v) => v.name)).toEqual(['My open High', 'Unassigned past due']);
    expect(alices[0]).toMatchObject({ count: 1 });
    expect(alices[1]).toMatchObject({ shared: true, owner: { name: 'Lena Lead' }, canDelete: false });
    // Past due: the unassigned open tickets once their first-response target passed.
    s.clock.advance(25 * 3_600_000);
    const later = (await s.api<SavedViewDto[]>('/api/views', { cookie: alice.cookie })).body;
    const unassignedPastDue = (await s.api<TicketPage>('/api/tickets?assignee=none&queue=past_due&limit=100', { cookie: alice.cookie })).body.tickets;
    expect(unassignedPastDue.length).toBeGreaterThan(0);
    expect(later[1]!.count).toBe(unassignedPastDue.length);
    // "me" is whoever opens the view: the lead has no tickets of her own.
    const leads = (await s.api<SavedViewDto[]>('/api/views', { cookie: lead.cookie })).body;
    expect(leads.map((v) => v.name)).toEqual(['Kettles', 'Unassigned past due']);

    // Alice may not delete the shared view, nor see (or delete) the lead's personal one; the admin may delete the shared one.
    expect((await s.api(`/api/views/${shared.body.id}`, { method: 'DELETE', cookie: alice.cookie })).status).toBe(403);
    expect((await s.api(`/api/views/${searchView.body.id}`, { method: 'DELETE', cookie: alice.cookie })).status).toBe(404);
    expect((await s.api(`/api/views/${searchView.body.id}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(404);
    expect((await s.api(`/api/views/${shared.body.id}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(200);
    expect((await s.api(`/api/views/${mine.body.id}`, { method: 'DELETE', cookie: alice.cookie })).status).toBe(200);
    expect((await s.api<SavedViewDto[]>('/api/views', { cookie: alice.cookie })).body).toEqual([]);
  });

  it('counts stop at the cap and say so', async () => {
    const view = await s.api<SavedViewDto>('/api/views', { cookie: alice.cookie, body: { name: 'Everything', query: {} } });
    expect(view.body.count).toBeGreaterThan(5);
    expect(view.body.more).toBeUndefined();
    await s.api(`/api/views/${view.body.id}`, { method: 'DELETE', cookie: alice.cookie });
  });

  it('refuses a shared view from an agent, the unaddressed queue from an agent, and bad input with a 400', async () => {
    const shared = await s.api('/api/views', { cookie: alice.cookie, body: { name: 'Team view', shared: true, query: {} } });
    expect(shared.status).toBe(403);
    // A lead's shared view of the unaddressed queue is not listed (nor counted) for an agent.
    const leadsQueue = await s.api<SavedViewDto>('/api/views', {
      cookie: lead.cookie,
      body: { name: 'Unaddressed', shared: true, query: { queue: 'unaddressed' } },
    });
    expect(leadsQueue.status).toBe(201);
    expect((await s.api<SavedViewDto[]>('/api/views', { cookie: alice.cookie })).body.map((v) => v.name)).not.toContain('Unaddressed');
    expect((await s.api<SavedViewDto[]>('/api/views', { cookie: admin.cookie })).body.map((v) => v.name)).toContain('Unaddressed');
    await s.api(`/api/views/${leadsQueue.body.id}`, { method: 'DELETE', cookie: lead.cookie });
    const unaddressed = await s.api('/api/views', { cookie: alice.cookie, body: { name: 'Unaddressed', query: { queue: 'unaddressed' } } });
    expect(unaddressed.status).toBe(403);
    for (const body of [
      {},
      { name: '', query: {} },
      { name: 'x'.repeat(61), query: {} },
      { name: 'A', query: { status: 'nope' } },
      { name: 'A', query: { assignee: 'someone' } },
      { name: 'A', query: { cursor: 'abc' } },
      { name: 'A', query: {}, shared: 'yes' },
      { name: 'A', query: {}, extra: 1 },
    ]) {
      const res = await s.api('/api/views', { cookie: alice.cookie, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
    expect((await s.api('/api/views/not-an-id', { method: 'DELETE', cookie: alice.cookie })).status).toBe(400);
    expect((await s.api('/api/views/0123456789abcdef01234567', { method: 'DELETE', cookie: alice.cookie })).status).toBe(404);
    expect((await s.api('/api/views')).status).toBe(401);
  });
});
