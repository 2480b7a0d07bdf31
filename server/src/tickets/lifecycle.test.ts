import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketDetailDto, TicketDto, TicketPage } from '@kamflo/shared';
import { ask, cid, next, startTestServer, type TestServer } from '../test/harness.ts';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

const HOUR = 3600_000;
type Agent = Awaited<ReturnType<TestServer['createAgent']>>;

const newTicket = (a: Agent, body: Record<string, unknown> = {}) =>
  s.api<TicketDto>('/api/tickets', {
    cookie: a.cookie,
    body: {
      requesterEmail: 'Cus@Example.com',
      requesterName: 'Cus Tomer',
      subject: 'Invoice wrong',
      message: 'I was charged twice',
      priority: 'high',
      category: 'billing',
      ...body,
    },
  });
const helpCenter = (subject = 'Help me') =>
  s.api<{ ticketNumber: number }>('/api/helpcenter/requests', { body: { name: 'Eve', email: 'eve@example.com', subject, message: 'm' } });
const get = (a: Agent, n = 1001) => s.api<TicketDetailDto>(`/api/tickets/${n}`, { cookie: a.cookie });
const post = <T = TicketDetailDto>(a: Agent, path: string, body: unknown) => s.api<T>(path, { cookie: a.cookie, body });

/** A visitor chatting with an agent who accepted, converted to ticket #1001. */
async function chatTicket(agent: Agent) {
  const agentSock = await s.agentSocket(agent.cookie);
  const visitor = await s.visitor();
  const offered = next(agentSock, 'chat:requests', 5000, (r) => r.some((x) => x.state === 'offered'));
  const { data } = (await ask(visitor.socket, 'chat:start', { clientId: cid(), text: 'Payments fail' })) as any;
  await offered;
  const conversationId: string = data.conversation.id;
  await ask(agentSock, 'chat:accept', { conversationId });
  const res = await s.api(`/api/conversations/${conversationId}/ticket`, {
    cookie: agent.cookie,
    body: { subject: 'Payments fail', priority: 'medium', category: 'technical' },
  });
  expect(res.status).toBe(201);
  return { visitor, agentSock, conversationId };
}

describe('agent-created tickets', () => {
  it('an agent creates a ticket for a customer by email: source agent, level L1, assigned to them', async () => {
    const alice = await s.createAgent('Alice');
    const res = await newTicket(alice);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      number: 1001,
      source: 'agent',
      status: 'open',
      level: 'L1',
      requester: { name: 'Cus Tomer', email: 'cus@example.com' },
      assignee: { id: alice.id, name: 'Alice' },
    });
    expect(Date.parse(res.body.slaDueAt) - Date.parse(res.body.createdAt)).toBe(4 * HOUR);
    expect((await get(alice)).body.events[0]).toMatchObject({ type: 'created', text: 'I was charged twice', actor: { kind: 'agent', name: 'Alice' } });
  });

  it('refuses bad input, storing nothing', async () => {
    const alice = await s.createAgent('Alice');
    for (const body of [{ requesterEmail: 'nope' }, { subject: '' }, { message: ' ' }, { priority: 'urgent' }, { category: 'x' }, { source: 'email' }]) {
      const res = await newTicket(alice, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await s.api('/api/tickets', { body: { requesterEmail: 'a@b.co' } })).status).toBe(401);
    expect(await s.services.tickets.store.Ticket.countDocuments()).toBe(0);
  });
});

describe('lifecycle', () => {
  it('moves Open → In Progress → Open → Closed; closed is final; illegal transitions change nothing', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice);
    expect((await post(alice, '/api/tickets/1001/status', { to: 'in_progress' })).body.status).toBe('in_progress');
    expect((await post(alice, '/api/tickets/1001/status', { to: 'open' })).body.status).toBe('open');
    // The same status again is not a transition.
    const same = await post<any>(alice, '/api/tickets/1001/status', { to: 'open' });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('illegal_transition');

    const closed = await post(alice, '/api/tickets/1001/status', { to: 'closed', reason: 'Duplicate of #1000' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed' });
    expect(closed.body.closedAt).toBeTruthy();
    expect(closed.body.events.at(-1)).toMatchObject({
      type: 'status_changed',
      from: 'open',
      to: 'closed',
      text: 'Duplicate of #1000',
      actor: { name: 'Alice' },
    });

    const before = (await get(alice)).body;
    for (const to of ['open', 'in_progress', 'closed'] as const) {
      const res = await post<any>(alice, '/api/tickets/1001/status', { to, reason: 'again' });
      expect(res.status, to).toBe(409);
      expect(res.body.error.code).toBe('illegal_transition');
    }
    expect((await post<any>(alice, '/api/tickets/1001/resolve', { closingMessage: 'done' })).body.error.code).toBe('illegal_transition');
    expect((await post<any>(alice, '/api/tickets/1001/replies', { text: 'hello?' })).status).toBe(409);
    const after = (await get(alice)).body;
    expect(after.events.length).toBe(before.events.length);
    expect(after.status).toBe('closed');
  });

  it('closing needs a reason; resolving goes through /resolve; bad input stores nothing', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice);
    for (const body of [{}, { to: 'closed' }, { to: 'closed', reason: '  ' }, { to: 'resolved' }, { to: 'bogus' }, { to: 'open', extra: 1 }]) {
      const res = await post<any>(alice, '/api/tickets/1001/status', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    expect((await post<any>(alice, '/api/tickets/abc/status', { to: 'open' })).status).toBe(400);
    expect((await post<any>(alice, '/api/tickets/9999/status', { to: 'in_progress' })).status).toBe(404);
    expect((await get(alice)).body.events.map((e) => e.type)).toEqual(['created']);
  });

  it('a resolved ticket can be re-opened by an agent (a re-open event)', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice);
    await post(alice, '/api/tickets/1001/resolve', { closingMessage: 'Refunded the double charge. If it happens again, reply here.' });
    const res = await post(alice, '/api/tickets/1001/status', { to: 'open', reason: 'Customer called: still charged twice' });
    expect(res.body.status).toBe('open');
    expect(res.body.resolvedAt).toBeUndefined();
    expect(res.body.events.at(-1)).toMatchObject({ type: 'status_changed', from: 'resolved', to: 'open', data: { reopened: 'true' } });
  });
});

describe('assignment', () => {
  it("an agent takes an unassigned ticket; reassigning someone else's needs ticket.reassign", async () => {
    const alice = await s.createAgent('Alice');
    const bob = await s.createAgent('Bob');
    const lead = await s.createAgent('Lena Lead', 'team_lead');
    await helpCenter();
    expect((await get(alice)).body.assignee).toBeUndefined();

    // Alice can't hand an unassigned ticket to Bob, but can take it.
    expect((await post(alice, '/api/tickets/1001/assign', { agentId: bob.id })).status).toBe(403);
    const took = await post(alice, '/api/tickets/1001/assign', { agentId: alice.id });
    expect(took.status).toBe(200);
    expect(took.body.assignee).toEqual({ id: alice.id, name: 'Alice' });
    // Taking your own ticket again is fine and records nothing new.
    expect((await post(alice, '/api/tickets/1001/assign', { agentId: alice.id })).body.events.length).toBe(took.body.events.length);

    // Bob can't take it from Alice.
    const refused = await post<any>(bob, '/api/tickets/1001/assign', { agentId: bob.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('Alice');
    // The team lead can.
    const moved = await post(lead, '/api/tickets/1001/assign', { agentId: bob.id });
    expect(moved.status).toBe(200);
    expect(moved.body.assignee).toEqual({ id: bob.id, name: 'Bob' });
    expect(moved.body.events.at(-1)).toMatchObject({
      type: 'assigned',
      text: 'Bob',
      actor: { name: 'Lena Lead' },
      data: { agentId: bob.id, fromAgentId: alice.id, fromName: 'Alice' },
    });
  });

  it('two agents taking the same ticket at once: exactly one gets it', async () => {
    const agents = await Promise.all(['A1', 'A2', 'A3', 'A4'].map((n) => s.createAgent(n)));
    await helpCenter();
    const results = await Promise.all(agents.map((a) => post(a, '/api/tickets/1001/assign', { agentId: a.id })));
    expect(results.filter((r) => r.status === 200).length).toBe(1);
    const t = (await get(agents[0]!)).body;
    expect(t.events.filter((e) => e.type === 'assigned').length).toBe(1);
  });

  it('refuses bad input: malformed or unknown agent ids', async () => {
    const alice = await s.createAgent('Alice');
    await helpCenter();
    for (const body of [{}, { agentId: 'x' }, { agentId: alice.id, more: 1 }]) expect((await post(alice, '/api/tickets/1001/assign', body)).status).toBe(400);
    expect((await post(alice, '/api/tickets/1001/assign', { agentId: 'f'.repeat(24) })).status).toBe(404);
    expect((await get(alice)).body.events.length).toBe(1);
  });

  it('an offline assignee keeps the ticket; past its SLA without a first response it shows in the unaddressed queue for leads, who reassign', async () => {
    const alice = await s.createAgent('Alice');
    const bob = await s.createAgent('Bob');
    const lead = await s.createAgent('Lena Lead', 'team_lead');
    const aliceSock = await s.agentSocket(alice.cookie);
    await newTicket(alice, { priority: 'critical' });
    aliceSock.disconnect();
    await s.api('/api/auth/sign-out', { cookie: alice.cookie, body: {} });

    const queue = async () => ({ body: (await s.api<TicketPage>('/api/tickets?queue=unaddressed', { cookie: lead.cookie })).body.tickets });
    expect((await queue()).body).toEqual([]);
    s.clock.advance(HOUR + 60_000);
    const q = (await queue()).body;
    expect(q.map((t) => t.number)).toEqual([1001]);
    expect(q[0]!.assignee).toEqual({ id: alice.id, name: 'Alice' });
    // Agents don't see that queue.
    expect((await s.api('/api/tickets?queue=unaddressed', { cookie: bob.cookie })).status).toBe(403);

    await post(lead, '/api/tickets/1001/assign', { agentId: bob.id });
    expect((await queue()).body[0]!.assignee!.name).toBe('Bob');
    await post(bob, '/api/tickets/1001/replies', { text: 'Looking at it now' });
    expect((await queue()).body).toEqual([]);
  });
});

describe('priority and SLA', () => {
  it('priority changes recompute the SLA from creation; category changes are recorded', async () => {
    const alice = await s.createAgent('Alice');
    const created = await newTicket(alice, { priority: 'low' });
    s.clock.advance(2 * HOUR);
    const res = await post(alice, '/api/tickets/1001/priority', { priority: 'critical' });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.slaDueAt)).toBe(Date.parse(created.body.createdAt) + HOUR);
    expect(res.body.events.at(-1)).toMatchObject({ type: 'priority_changed', data: { from: 'low', to: 'critical' }, actor: { name: 'Alice' } });
    // Already overdue now, and first in the list.
    await helpCenter('Other');
    const list = { body: (await s.api<TicketPage>('/api/tickets', { cookie: alice.cookie })).body.tickets };
    expect(list.body.map((t) => t.number)).toEqual([1001, 1002]);

    const cat = await post(alice, '/api/tickets/1001/category', { category: 'technical' });
    expect(cat.body.category).toBe('technical');
    expect(cat.body.events.at(-1)).toMatchObject({ type: 'category_changed', data: { from: 'billing', to: 'technical' } });
    // The same value again records nothing.
    expect((await post(alice, '/api/tickets/1001/category', { category: 'technical' })).body.events.length).toBe(cat.body.events.length);

    for (const [path, body] of [
      ['priority', {}],
      ['priority', { priority: 'urgent' }],
      ['category', { category: 'nope' }],
      ['category', {}],
    ] as const) {
      expect((await post(alice, `/api/tickets/1001/${path}`, body)).status).toBe(400);
    }
    expect((await get(alice)).body.events.length).toBe(cat.body.events.length);
  });

  it('an internal note does not stop the first-response timer; a customer-facing reply does', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice);
    const noted = await post(alice, '/api/tickets/1001/notes', { text: 'Checking with billing' });
    expect(noted.body.firstResponseAt).toBeUndefined();
    expect(noted.body.status).toBe('open');
    s.clock.advance(5 * HOUR);
    expect((await s.api<TicketPage>('/api/tickets?queue=past_due', { cookie: alice.cookie })).body.tickets.map((t) => t.number)).toEqual([1001]);
    const replied = await post(alice, '/api/tickets/1001/replies', { text: 'We are on it' });
    expect(replied.body.firstResponseAt).toBeTruthy();
    expect((await s.api<TicketPage>('/api/tickets?queue=past_due', { cookie: alice.cookie })).body.tickets).toEqual([]);
  });

  it('admins change the SLA windows; new tickets use them; others may only read them', async () => {
    const admin = await s.createAgent('Ada Admin', 'admin');
    const manager = await s.createAgent('Max Manager', 'manager');
    expect((await s.api('/api/settings/sla', { cookie: manager.cookie })).body).toEqual({ critical: 1, high: 4, medium: 24, low: 72 });
    const put = (a: Agent, body: unknown) => s.api('/api/settings/sla', { method: 'PUT', cookie: a.cookie, body });
    expect((await put(manager, { critical: 2, high: 4, medium: 24, low: 72 })).status).toBe(403);
    for (const body of [
      {},
      { critical: 0, high: 4, medium: 24, low: 72 },
      { critical: 'x', high: 4, medium: 24, low: 72 },
      { critical: 1, high: 4, medium: 24, low: 72, urgent: 1 },
    ]) {
      expect((await put(admin, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await s.api('/api/settings/sla', { cookie: admin.cookie })).body).toEqual({ critical: 1, high: 4, medium: 24, low: 72 });
    expect((await put(admin, { critical: 0.5, high: 2, medium: 8, low: 48 })).body).toEqual({ critical: 0.5, high: 2, medium: 8, low: 48 });
    const t = await newTicket(admin, { priority: 'high' });
    expect(Date.parse(t.body.slaDueAt) - Date.parse(t.body.createdAt)).toBe(2 * HOUR);
  });
});

describe('escalation', () => {
  const checklist = {
    tried: 'Cleared the cache, retried the payment with another card, checked the status page',
    customerContext: 'Customer on the Pro plan, card ends 4242, error "PAY-502" since this morning',
    nextStep: 'investigate',
    nextStepDetails: 'Check the payment gateway logs for PAY-502 around 09:00 UTC',
    priority: 'high',
    category: 'bug',
  };

  it('refuses an incomplete checklist naming every missing item, and changes nothing', async () => {
    const alice = await s.createAgent('Alice');
    await chatTicket(alice);
    const res = await post<any>(alice, '/api/tickets/1001/escalate', {});
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: any) => i.path).sort()).toEqual([
      'category',
      'customerContext',
      'customerUpdate',
      'nextStep',
      'nextStepDetails',
      'priority',
      'tried',
    ]);
    for (const words of [
      'what was already tried',
      "the customer's context",
      'what the next level must do',
      'a confirmed priority',
      'a category',
      'an update for the customer',
    ]) {
      expect(res.body.error.message).toContain(words);
    }
    const blank = await post<any>(alice, '/api/tickets/1001/escalate', { ...checklist, tried: '   ' });
    expect(blank.body.error.issues.map((i: any) => i.path).sort()).toEqual(['customerUpdate', 'tried']);
    expect((await post(alice, '/api/tickets/1001/escalate', { ...checklist, useDefaultCustomerUpdate: false })).status).toBe(400);
    expect((await post(alice, '/api/tickets/1001/escalate', { ...checklist, nextStep: 'pray', useDefaultCustomerUpdate: true })).status).toBe(400);
    const t = (await get(alice)).body;
    expect(t.level).toBe('L1');
    expect(t.events.map((e) => e.type)).toEqual(['created']);
  });

  it('escalates in one change: internal note, level, priority, category, and the update reaches the customer', async () => {
    const alice = await s.createAgent('Alice');
    const { visitor } = await chatTicket(alice);
    const seen: string[] = [];
    visitor.socket.onAny((_e, payload) => seen.push(JSON.stringify(payload)));
    const update = 'We have passed this to our technical team with all the details; we will update you by 3pm.';
    const delivered = next(visitor.socket, 'chat:message', 5000, (m) => m.text === update);
    const res = await post(alice, '/api/tickets/1001/escalate', { ...checklist, customerUpdate: update });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ level: 'L2', priority: 'high', category: 'bug', status: 'in_progress' });
    expect(res.body.firstResponseAt).toBeTruthy();
    const created = Date.parse(res.body.createdAt);
    expect(Date.parse(res.body.slaDueAt)).toBe(created + 4 * HOUR);
    const types = res.body.events.slice(1).map((e) => e.type);
    expect(types).toEqual(['escalated', 'priority_changed', 'category_changed', 'reply', 'status_changed']);
    const note = res.body.events[1]!;
    expect(note.data).toEqual({ from: 'L1', to: 'L2', nextStep: 'investigate' });
    for (const part of [checklist.tried, checklist.customerContext, checklist.nextStepDetails, 'Investigate', 'High', 'Bug', update])
      expect(note.text).toContain(part);
    // All in one write: the events share one timestamp.
    expect(new Set(res.body.events.slice(1).map((e) => e.at)).size).toBe(1);
    await delivered;
    // The internal note never reaches the visitor.
    expect(seen.join('\n')).not.toContain(checklist.nextStepDetails);
  });

  it('accepts the default customer update; L3 is the top', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice);
    const first = await post(alice, '/api/tickets/1001/escalate', { ...checklist, useDefaultCustomerUpdate: true });
    expect(first.body.level).toBe('L2');
    expect(first.body.events.find((e) => e.type === 'reply')!.text).toContain('technical team');
    const second = await post(alice, '/api/tickets/1001/escalate', { ...checklist, nextStep: 'approve', useDefaultCustomerUpdate: true });
    expect(second.body.level).toBe('L3');
    expect(second.body.events.filter((e) => e.type === 'reply').at(-1)!.text).toContain('management');
    const top = await post<any>(alice, '/api/tickets/1001/escalate', { ...checklist, useDefaultCustomerUpdate: true });
    expect(top.status).toBe(409);
    expect(top.body.error.code).toBe('illegal_transition');
    expect((await get(alice)).body.events.length).toBe(second.body.events.length);
    // The level is on every list entry, and filterable.
    const l3 = { body: (await s.api<TicketPage>('/api/tickets?level=L3', { cookie: alice.cookie })).body.tickets };
    expect(l3.body.map((t) => [t.number, t.level])).toEqual([[1001, 'L3']]);
  });
});

describe('manager approval', () => {
  it('a flagged ticket cannot be resolved until a manager approves; agents and leads cannot approve', async () => {
    const alice = await s.createAgent('Alice');
    const lead = await s.createAgent('Lena Lead', 'team_lead');
    const manager = await s.createAgent('Max Manager', 'manager');
    await newTicket(alice);
    for (const body of [{}, { reason: '' }, { reason: 'x', more: 1 }]) expect((await post(alice, '/api/tickets/1001/needs-approval', body)).status).toBe(400);
    const flagged = await post(alice, '/api/tickets/1001/needs-approval', { reason: 'Refund above 500 EUR (policy exception)' });
    expect(flagged.body).toMatchObject({ needsApproval: true, approvalReason: 'Refund above 500 EUR (policy exception)' });

    const refused = await post<any>(alice, '/api/tickets/1001/resolve', { closingMessage: 'Refunded.' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('approval');
    expect((await post(alice, '/api/tickets/1001/approve', {})).status).toBe(403);
    expect((await post(lead, '/api/tickets/1001/approve', {})).status).toBe(403);
    expect((await post(manager, '/api/tickets/1001/approve', { note: 7 })).status).toBe(400);
    expect((await get(alice)).body.needsApproval).toBe(true);

    const approved = await post(manager, '/api/tickets/1001/approve', { note: 'OK, goodwill refund' });
    expect(approved.status).toBe(200);
    expect(approved.body.needsApproval).toBeUndefined();
    expect(approved.body.approvedBy).toEqual({ id: manager.id, name: 'Max Manager' });
    expect(approved.body.events.at(-1)).toMatchObject({ type: 'approved', text: 'OK, goodwill refund', actor: { name: 'Max Manager' } });
    expect((await post<any>(manager, '/api/tickets/1001/approve', {})).body.error.code).toBe('conflict');
    expect((await post(alice, '/api/tickets/1001/resolve', { closingMessage: 'Refunded.' })).body.status).toBe('resolved');
  });
});

describe('audit', () => {
  it('every action is an event with actor and time; the verify endpoint finds a direct edit in the database', async () => {
    const alice = await s.createAgent('Alice');
    const admin = await s.createAgent('Ada Admin', 'admin');
    const manager = await s.createAgent('Max Manager', 'manager');
    await newTicket(alice, { priority: 'medium' });
    await post(admin, '/api/tickets/1001/assign', { agentId: alice.id });
    await post(alice, '/api/tickets/1001/priority', { priority: 'high' });
    await post(alice, '/api/tickets/1001/notes', { text: 'note' });
    await post(alice, '/api/tickets/1001/replies', { text: 'reply' });
    await post(alice, '/api/tickets/1001/needs-approval', { reason: 'refund' });
    await post(manager, '/api/tickets/1001/approve', {});
    await post(alice, '/api/tickets/1001/resolve', { closingMessage: 'done' });
    await post(alice, '/api/tickets/1001/status', { to: 'open', reason: 'not done' });
    const t = (await get(alice)).body;
    expect(t.events.map((e) => e.type)).toEqual([
      'created',
      'priority_changed',
      'note',
      'reply',
      'status_changed',
      'approval_requested',
      'approved',
      'reply',
      'resolved',
      'status_changed',
    ]);
    for (const e of t.events) {
      expect(e.actor.kind).toBe('agent');
      expect(e.actor.name).toBeTruthy();
      expect(Date.parse(e.at)).not.toBeNaN();
    }

    const verify = () => s.api('/api/admin/tickets/1001/verify', { cookie: admin.cookie });
    expect((await verify()).body).toEqual({ number: 1001, events: 10, ok: true });
    expect((await s.api('/api/admin/tickets/1001/verify', { cookie: manager.cookie })).status).toBe(403);
    expect((await s.api('/api/admin/tickets/x/verify', { cookie: admin.cookie })).status).toBe(400);
    // No route edits or deletes history.
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await s.api('/api/tickets/1001', { method, cookie: admin.cookie, body: {} })).status).toBe(404);
      expect((await s.api('/api/tickets/1001/events/3', { method, cookie: admin.cookie, body: {} })).status).toBe(404);
    }

    // Someone rewrites the note in the database.
    const raw = await s.conn.collection('tickets').findOne({ number: 1001 });
    await s.conn.collection('ticket_events').updateOne({ ticketId: raw!._id, seq: 3 }, { $set: { text: 'nothing to see here' } });
    expect((await verify()).body).toEqual({ number: 1001, events: 10, ok: false, brokenSeq: 3, reason: 'altered' });
  });
});

describe('list filters, past-due and weekly counts', () => {
  it('filters by status, priority, assignee, level, source and category, validating each', async () => {
    const alice = await s.createAgent('Alice');
    await newTicket(alice, { priority: 'critical', category: 'billing' });
    await helpCenter('HC');
    await post(alice, '/api/tickets/1002/status', { to: 'in_progress' });
    const list = async (q: string) => (await s.api<TicketPage>(`/api/tickets?${q}`, { cookie: alice.cookie })).body.tickets.map((t) => t.number);
    expect(await list('status=in_progress')).toEqual([1002]);
    expect(await list('priority=critical')).toEqual([1001]);
    expect(await list(`assignee=${alice.id}`)).toEqual([1001]);
    expect(await list('assignee=none')).toEqual([1002]);
    expect(await list('level=L1')).toEqual([1001, 1002]);
    expect(await list('level=L2')).toEqual([]);
    expect(await list('source=help_center')).toEqual([1002]);
    expect(await list('source=agent&category=billing')).toEqual([1001]);
    expect(await list('category=general&priority=medium&status=in_progress')).toEqual([1002]);
    for (const q of ['status=x', 'priority=urgent', 'assignee=bob', 'level=L4', 'source=fax', 'category=x', 'queue=x', 'sort=asc']) {
      expect((await s.api(`/api/tickets?${q}`, { cookie: alice.cookie })).status, q).toBe(400);
    }
  });

  it('counts tickets opened and resolved per ISO week for the last 8 weeks', async () => {
    const alice = await s.createAgent('Alice');
    s.clock.set(new Date('2026-03-02T10:00:00Z')); // Monday of 2026-W10
    await newTicket(alice);
    await newTicket(alice);
    s.clock.advance(7 * 24 * HOUR); // W11
    await post(alice, '/api/tickets/1001/resolve', { closingMessage: 'done' });
    await newTicket(alice);
    const res = await s.api('/api/dashboard/weekly', { cookie: alice.cookie });
    expect(res.status).toBe(200);
    expect(res.body.weeks).toHaveLength(8);
    expect(res.body.weeks.at(0).week).toBe('2026-W04');
    expect(res.body.weeks.slice(-2)).toEqual([
      { week: '2026-W10', opened: 2, resolved: 0 },
      { week: '2026-W11', opened: 1, resolved: 1 },
    ]);
    expect((await s.api('/api/dashboard/weekly')).status).toBe(401);
  });
});
