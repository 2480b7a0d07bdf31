import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_QUEUES, TICKET_SORTS, type TicketPage } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { buildListQuery } from './ticket-list.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const MIN = 60_000;

describe('the ticket list', () => {
  it('every query shape the list can build has an index in the database that serves it (a filter field, then the sort)', async () => {
    const indexes = (await s.conn.collection('tickets').indexes()).map((i) => Object.entries(i.key as Record<string, number>));
    const served = (eq: string[], sort: [string, number][]) =>
      indexes.some((keys) => {
        const head = eq.length ? keys.slice(1) : keys;
        if (eq.length && !eq.includes(keys[0]![0])) return false;
        return head.length === sort.length && head.every(([k, d], i) => k === sort[i]![0] && Number(d) === sort[i]![1]);
      });
    const filters = { status: 'open', priority: 'high', assignee: 'none', level: 'L2', source: 'email', category: 'billing', tag: 'vip' } as const;
    const names = Object.keys(filters) as (keyof typeof filters)[];
    let shapes = 0;
    for (let mask = 0; mask < 1 << names.length; mask++) {
      for (const queue of [undefined, ...TICKET_QUEUES]) {
        for (const sort of TICKET_SORTS) {
          const q = Object.fromEntries(names.filter((_, i) => mask & (1 << i)).map((n) => [n, filters[n]]));
          const shape = buildListQuery({ ...q, ...(queue ? { queue } : {}), sort }, new Date());
          if (!shape) continue;
          const eq = Object.keys(shape.filter).filter((k) => !k.startsWith('$'));
          expect(served(eq, Object.entries(shape.sort)), `no index for filters [${eq}] sorted by ${sort}`).toBe(true);
          shapes++;
        }
      }
    }
    expect(shapes).toBeGreaterThan(600);
  });

  it('pages by cursor in each order: every ticket once, none repeated, while tickets change between pages', async () => {
    const agent = await s.createAgent('Alice');
    const created: number[] = [];
    for (let i = 0; i < 7; i++) {
      s.clock.advance(MIN);
      const r = await s.api<{ ticketNumber: number }>('/api/helpcenter/requests', {
        body: { name: 'Eve', email: 'eve@example.com', subject: `Question ${i}`, message: 'm' },
      });
      created.push(r.body.ticketNumber);
    }
    for (const sort of TICKET_SORTS) {
      const seen: number[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await s.api<TicketPage>(`/api/tickets?sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { cookie: agent.cookie });
        expect(res.status).toBe(200);
        seen.push(...res.body.tickets.map((t) => t.number));
        if (page === 0) {
          // Changes while the agent pages: a new ticket, and a note on one already listed.
          s.clock.advance(MIN);
          await s.api('/api/helpcenter/requests', { body: { name: 'Zed', email: 'zed@example.com', subject: `Late ${sort}`, message: 'm' } });
          await s.api(`/api/tickets/${res.body.tickets[0]!.number}/notes`, { cookie: agent.cookie, body: { text: 'seen' } });
        }
        if (!res.body.next) break;
        cursor = res.body.next;
      }
      expect(new Set(seen).size, `${sort}: repeated ${seen}`).toBe(seen.length);
      for (const n of created) expect(seen, `${sort}: #${n} missing`).toContain(n);
    }
    // Newest first, by creation.
    const newest = (await s.api<TicketPage>('/api/tickets?sort=newest&limit=2', { cookie: agent.cookie })).body;
    expect(newest.tickets.map((t) => t.subject)).toEqual(['Late updated', 'Late newest']);
  });

  it('refuses a bad sort, limit or cursor with a 400', async () => {
    const agent = await s.createAgent('Bob');
    for (const q of ['sort=random', 'limit=0', 'limit=101', 'cursor=not-a-cursor', 'cursor=']) {
      const res = await s.api(`/api/tickets?${q}`, { cookie: agent.cookie });
      expect(res.status, q).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
    // A cursor from one order is refused in another.
    const first = (await s.api<TicketPage>('/api/tickets?sort=newest&limit=1', { cookie: agent.cookie })).body;
    expect(first.next).toBeTruthy();
    expect((await s.api(`/api/tickets?sort=sla&cursor=${first.next}`, { cookie: agent.cookie })).status).toBe(400);
  });

  it('dashboard counts and the weekly chart follow each change without recounting', async () => {
    const agent = await s.createAgent('Carol');
    const before = (await s.api('/api/dashboard', { cookie: agent.cookie })).body;
    const made = await s.api('/api/tickets', {
      cookie: agent.cookie,
      body: { requesterEmail: 'c@example.com', subject: 'Down', message: 'all down', priority: 'critical', category: 'technical' },
    });
    const n = made.body.number;
    const after = (await s.api('/api/dashboard', { cookie: agent.cookie })).body;
    expect(after).toEqual({ ...before, open: before.open + 1, highPriority: before.highPriority + 1 });
    await s.api(`/api/tickets/${n}/status`, { cookie: agent.cookie, body: { to: 'in_progress' } });
    await s.api(`/api/tickets/${n}/resolve`, { cookie: agent.cookie, body: { closingMessage: 'Fixed' } });
    expect((await s.api('/api/dashboard', { cookie: agent.cookie })).body).toEqual({ ...before, resolved: before.resolved + 1 });
    // Ten notes move no tally (and cost no count query).
    const tallyWrites = async () => (await s.conn.collection('ticket_tallies').find({}).toArray()).reduce((sum, d) => sum + d.v, 0);
    const writes = await tallyWrites();
    for (let i = 0; i < 10; i++) await s.api(`/api/tickets/${n}/notes`, { cookie: agent.cookie, body: { text: `note ${i}` } });
    expect(await tallyWrites()).toBe(writes);
  });
});
