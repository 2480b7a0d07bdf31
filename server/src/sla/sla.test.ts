import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { NotificationDto, TicketDetailDto } from '@kamflo/shared';
import { next, startTestServer, type TestServer } from '../test/harness.ts';
import { connectDatabase } from '../db/connect.ts';
import { createApp } from '../app.ts';
import { testConfig } from '../config.ts';
import { silentLogger } from '../lib/logger.ts';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

const HOUR = 3600_000;
type Agent = Awaited<ReturnType<TestServer['createAgent']>>;

const newTicket = (a: Agent, priority = 'high') =>
  s.api('/api/tickets', {
    cookie: a.cookie,
    body: { requesterEmail: 'c@example.com', subject: `${priority} thing`, message: 'm', priority, category: 'general' },
  });
const events = async (n: number) => (await s.services.tickets.queries.get(n)).events;
const alertsOn = async (n: number) => (await events(n)).filter((e) => e.type === 'sla_alert');

/** Another server process on the same database (same clock). */
async function secondApp() {
  const conn = await connectDatabase(inject('mongoUri'), { dbName: s.conn.name });
  const app = await createApp({ conn, config: testConfig(), log: silentLogger, clock: s.clock, sweepIntervalMs: false });
  return {
    app,
    async close() {
      await app.close(500);
      await conn.close();
    },
  };
}

describe('SLA alerts', () => {
  it('High open 3 h without a customer-facing reply alerts the assignee and team leads, once; an internal note does not count', async () => {
    const alice = await s.createAgent('Alice');
    const lead = await s.createAgent('Lena Lead', 'team_lead');
    const bob = await s.createAgent('Bob');
    const aliceSock = await s.agentSocket(alice.cookie);
    const leadSock = await s.agentSocket(lead.cookie);
    await newTicket(alice, 'high');
    await s.api('/api/tickets/1001/notes', { cookie: alice.cookie, body: { text: 'looking' } });

    s.clock.advance(3 * HOUR - 60_000);
    expect(await s.services.sla.sweep()).toBe(0);

    s.clock.advance(60_000);
    const toAlice = next(aliceSock, 'notification:new');
    const toLead = next(leadSock, 'notification:new');
    expect(await s.services.sla.sweep()).toBe(1);
    const [a, l] = await Promise.all([toAlice, toLead]);
    expect(a).toMatchObject({ kind: 'sla_alert', ticketNumber: 1001, ruleId: 'high-no-reply-3h', read: false });
    expect(a.text).toContain('no customer-facing reply for 3 h');
    expect(l.id).not.toBe(a.id);

    expect(await s.services.sla.sweep()).toBe(0);
    const alerts = await alertsOn(1001);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ actor: { kind: 'system' }, data: { ruleId: 'high-no-reply-3h', condition: 'no_reply_for' } });

    // Each agent lists only their own notifications, and marks them read.
    const mine = await s.api<NotificationDto[]>('/api/notifications', { cookie: alice.cookie });
    expect(mine.body.map((n) => n.id)).toEqual([a.id]);
    expect((await s.api<NotificationDto[]>('/api/notifications', { cookie: bob.cookie })).body).toEqual([]);
    expect((await s.api(`/api/notifications/${a.id}/read`, { cookie: bob.cookie, body: {} })).status).toBe(404);
    expect((await s.api(`/api/notifications/nope/read`, { cookie: alice.cookie, body: {} })).status).toBe(400);
    expect((await s.api('/api/notifications')).status).toBe(401);
    const read = await s.api<NotificationDto>(`/api/notifications/${a.id}/read`, { cookie: alice.cookie, body: {} });
    expect(read.body.read).toBe(true);
    expect((await s.api<NotificationDto[]>('/api/notifications', { cookie: alice.cookie })).body[0]!.read).toBe(true);
  });

  it('past due alerts go to the assignee, team leads and admins; a replied ticket raises none', async () => {
    const alice = await s.createAgent('Alice');
    const admin = await s.createAgent('Ada Admin', 'admin');
    await newTicket(alice, 'critical');
    await newTicket(alice, 'critical');
    await s.api('/api/tickets/1002/replies', { cookie: alice.cookie, body: { text: 'On it' } });
    s.clock.advance(HOUR + 1000);
    expect(await s.services.sla.sweep()).toBe(1);
    expect((await alertsOn(1001)).map((e) => e.data!.ruleId)).toEqual(['sla-breach']);
    expect(await alertsOn(1002)).toEqual([]);
    const forAdmin = (await s.api<NotificationDto[]>('/api/notifications', { cookie: admin.cookie })).body;
    expect(forAdmin.map((n) => [n.ticketNumber, n.condition])).toEqual([[1001, 'past_due']]);
  });

  it('in progress 24 h without a customer-facing update alerts the assignee', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice, 'low');
    await s.api('/api/tickets/1001/replies', { cookie: alice.cookie, body: { text: 'Looking into it' } });
    s.clock.advance(23 * HOUR);
    await s.api('/api/tickets/1001/notes', { cookie: alice.cookie, body: { text: 'still checking' } });
    expect(await s.services.sla.sweep()).toBe(0);
    s.clock.advance(HOUR);
    expect(await s.services.sla.sweep()).toBe(1);
    expect((await alertsOn(1001)).map((e) => e.data!.ruleId)).toEqual(['in-progress-no-update-24h']);
  });

  it('two server processes sweeping at once fire each alert exactly once; a restart fires nothing again', async () => {
    const alice = await s.createAgent('Alice');
    await s.createAgent('Lena Lead', 'team_lead');
    for (let i = 0; i < 4; i++) await newTicket(alice, 'high');
    s.clock.advance(5 * HOUR); // past 3 h without reply, and past due (4 h)
    const other = await secondApp();
    try {
      const fired = await Promise.all([s.services.sla.sweep(), other.app.services.sla.sweep()]);
      expect(fired[0] + fired[1]).toBe(8);
      expect(await Promise.all([s.services.sla.sweep(), other.app.services.sla.sweep()])).toEqual([0, 0]);
    } finally {
      await other.close();
    }
    for (let n = 1001; n <= 1004; n++) {
      expect((await alertsOn(n)).map((e) => e.data!.ruleId).sort()).toEqual(['high-no-reply-3h', 'sla-breach']);
    }
    // Assignee and lead each get one per (ticket, rule); the admin rule adds nobody here.
    expect(await s.services.notifications.Notification.countDocuments()).toBe(16);

    const restarted = await secondApp();
    try {
      expect(await restarted.app.services.sla.sweep()).toBe(0);
      // The claims decide, not the fired-rules hint on the ticket.
      await s.conn.collection('tickets').updateMany({}, { $set: { alertsFired: [] } });
      expect(await restarted.app.services.sla.sweep()).toBe(0);
    } finally {
      await restarted.close();
    }
    expect(await s.services.notifications.Notification.countDocuments()).toBe(16);
  });

  it('admins configure the rules; bad rules are refused and nothing changes', async () => {
    const admin = await s.createAgent('Ada Admin', 'admin');
    const lead = await s.createAgent('Lena Lead', 'team_lead');
    const get = await s.api('/api/settings/alert-rules', { cookie: lead.cookie });
    expect(get.body.rules.map((r: any) => r.id)).toEqual(['high-no-reply-3h', 'in-progress-no-update-24h', 'sla-breach']);
    const put = (a: Agent, body: unknown) => s.api('/api/settings/alert-rules', { method: 'PUT', cookie: a.cookie, body });
    const rule = { id: 'critical-30m', priorities: ['critical'], condition: 'no_reply_for', hours: 0.5, notify: ['managers'] };
    expect((await put(lead, { rules: [rule] })).status).toBe(403);
    for (const rules of [
      [{ ...rule, hours: undefined }],
      [{ ...rule, priorities: [] }],
      [{ ...rule, notify: [] }],
      [{ ...rule, notify: ['everyone'] }],
      [{ ...rule, condition: 'sometimes' }],
      [{ ...rule, id: 'Bad Id' }],
      [rule, rule],
    ]) {
      expect((await put(admin, { rules })).status, JSON.stringify(rules)).toBe(400);
    }
    expect((await s.api('/api/settings/alert-rules', { cookie: admin.cookie })).body).toEqual(get.body);
    const saved = await put(admin, { rules: [rule, { id: 'late', priorities: ['low'], condition: 'past_due', notify: ['assignee'] }] });
    expect(saved.status).toBe(200);
    expect(saved.body.rules).toHaveLength(2);

    const manager = await s.createAgent('Max Manager', 'manager');
    await newTicket(admin, 'critical');
    s.clock.advance(31 * 60_000);
    expect(await s.services.sla.sweep()).toBe(1);
    const n = (await s.api<NotificationDto[]>('/api/notifications', { cookie: manager.cookie })).body;
    expect(n.map((x) => x.ruleId)).toEqual(['critical-30m']);
  });

  it('a customer message re-opening a resolved ticket notifies its assignee', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice);
    await s.api('/api/tickets/1001/resolve', { cookie: alice.cookie, body: { closingMessage: 'Done' } });
    const t = await s.services.tickets.store.Ticket.findOne({ number: 1001 }).lean();
    await s.services.tickets.actions.customerMessage(t!._id, { id: 'message-1', seq: 7, text: 'Still broken' }, 'Cus');
    const n = (await s.api<NotificationDto[]>('/api/notifications', { cookie: alice.cookie })).body;
    expect(n.map((x) => [x.kind, x.ticketNumber])).toEqual([['reopened', 1001]]);
    const detail = (await s.api<TicketDetailDto>('/api/tickets/1001', { cookie: alice.cookie })).body;
    expect(detail.status).toBe('open');
  });
});
