import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotificationDto, TicketDetailDto, TicketPage } from '@kamflo/shared';
import { ask, cid, next, startTestServer, type TestServer } from '../test/harness.ts';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

/** A visitor chatting with an agent who accepted. */
async function liveChat(agentName = 'Alice') {
  const agent = await s.createAgent(agentName);
  const agentSock = await s.agentSocket(agent.cookie);
  const visitor = await s.visitor();
  const offered = next(agentSock, 'chat:requests', 5000, (r) => r.some((x) => x.state === 'offered'));
  const { data } = (await ask(visitor.socket, 'chat:start', { clientId: cid(), text: 'The export button does nothing' })) as any;
  await offered;
  const conversationId: string = data.conversation.id;
  await ask(agentSock, 'chat:accept', { conversationId });
  await ask(agentSock, 'chat:message', { conversationId, clientId: cid(), text: 'Let me check that for you' });
  return { agent, agentSock, visitor, conversationId };
}

const convert = (cookie: string, conversationId: string, body: unknown = { subject: 'Export broken', priority: 'high', category: 'bug' }) =>
  s.api(`/api/conversations/${conversationId}/ticket`, { cookie, body });

describe('converting a chat into a ticket', () => {
  it('numbers the ticket from #1001, keeps the transcript and tells the visitor the number', async () => {
    const { agent, visitor, conversationId } = await liveChat();
    const told = next(visitor.socket, 'chat:message', 5000, (m) => m.author === 'system' && m.text.includes('#1001'));
    const updated = next(visitor.socket, 'chat:updated', 5000, (c) => c.status === 'ticket');
    const res = await convert(agent.cookie, conversationId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ number: 1001, subject: 'Export broken', priority: 'high', category: 'bug', source: 'chat_widget', status: 'open' });
    // SLA counted from creation: High is 4 hours.
    expect(Date.parse(res.body.slaDueAt) - Date.parse(res.body.createdAt)).toBe(4 * 3600_000);
    await told;
    expect(await updated).toMatchObject({ ticketNumber: 1001 });

    const detail = await s.api<TicketDetailDto>('/api/tickets/1001', { cookie: agent.cookie });
    expect(detail.body.transcript.map((m) => m.text)).toEqual(['The export button does nothing', 'Alice joined the chat', 'Let me check that for you']);
    expect(detail.body.events[0]).toMatchObject({ type: 'created' });

    // Converting twice makes no second ticket.
    expect((await convert(agent.cookie, conversationId)).status).toBe(409);
    expect(await s.services.tickets.store.Ticket.countDocuments()).toBe(1);
  });

  it('hands out distinct, increasing numbers under concurrent creation', async () => {
    const requests = Array.from({ length: 12 }, (_, i) =>
      s.api('/api/helpcenter/requests', { body: { name: `N${i}`, email: `n${i}@example.com`, subject: `S${i}`, message: 'm' } }),
    );
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    const numbers = responses.map((r) => r.body.ticketNumber as number);
    expect(new Set(numbers).size).toBe(12);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 1001 + i));
  });

  it('refuses bad input and other agents, storing nothing', async () => {
    const { agent, conversationId } = await liveChat();
    const bob = await s.createAgent('Bob');
    for (const body of [
      {},
      { subject: '', priority: 'high', category: 'bug' },
      { subject: 'x', priority: 'urgent', category: 'bug' },
      { subject: 'x', priority: 'high', category: 'nope' },
    ]) {
      const res = await convert(agent.cookie, conversationId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    expect((await s.api(`/api/conversations/${conversationId}/ticket`, { cookie: agent.cookie, rawBody: '{oops' })).status).toBe(400);
    expect((await convert(bob.cookie, conversationId)).status).toBe(403);
    expect((await convert('', conversationId)).status).toBe(401);
    expect((await convert(agent.cookie, 'not-an-id')).status).toBe(400);
    expect(await s.services.tickets.store.Ticket.countDocuments()).toBe(0);
  });
});

describe('working a ticket', () => {
  it('a reply reaches the visitor; an internal note reaches no visitor by any path', async () => {
    const { agent, visitor, conversationId } = await liveChat();
    await convert(agent.cookie, conversationId);
    const seenByVisitor: string[] = [];
    visitor.socket.onAny((_event, payload) => seenByVisitor.push(JSON.stringify(payload)));

    const NOTE = 'INTERNAL: customer is on the legacy plan, do not mention refunds';
    const note = await s.api<TicketDetailDto>('/api/tickets/1001/notes', { cookie: agent.cookie, body: { text: NOTE } });
    expect(note.status).toBe(201);
    expect(note.body.events.at(-1)).toMatchObject({ type: 'note', text: NOTE });

    const reply = next(visitor.socket, 'chat:message', 5000, (m) => m.text === 'We found the bug and fixed it.');
    const res = await s.api<TicketDetailDto>('/api/tickets/1001/replies', { cookie: agent.cookie, body: { text: 'We found the bug and fixed it.' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'in_progress' });
    expect(res.body.firstResponseAt).toBeTruthy();
    await reply;

    // Everything the visitor can read: live events, a full sync over the socket, and a fresh socket.
    const sync = await ask(visitor.socket, 'chat:sync', { conversationId });
    const fresh = await s.visitorSocket(visitor.token);
    const freshSync = await ask(fresh, 'chat:sync', {});
    const visible = [...seenByVisitor, JSON.stringify(sync), JSON.stringify(freshSync)].join('\n');
    expect(visible).toContain('We found the bug and fixed it.');
    expect(visible).not.toContain('legacy plan');
    // And no visitor credential reads tickets over HTTP.
    expect((await s.api('/api/tickets/1001', { token: visitor.token })).status).toBe(401);
  });

  it('resolving requires a closing message, which is sent to the customer; a customer reply re-opens it', async () => {
    const { agent, visitor, conversationId } = await liveChat();
    await convert(agent.cookie, conversationId);
    for (const body of [{}, { closingMessage: '' }, { closingMessage: '   ' }]) {
      const res = await s.api('/api/tickets/1001/resolve', { cookie: agent.cookie, body });
      expect(res.status).toBe(400);
    }
    expect((await s.api<TicketDetailDto>('/api/tickets/1001', { cookie: agent.cookie })).body.status).toBe('open');

    const closing = 'This has been resolved: the export timed out on large files (fixed today). If it happens again, reply here.';
    const delivered = next(visitor.socket, 'chat:message', 5000, (m) => m.text === closing);
    const res = await s.api<TicketDetailDto>('/api/tickets/1001/resolve', { cookie: agent.cookie, body: { closingMessage: closing } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('resolved');
    expect(res.body.events.slice(-2).map((e) => e.type)).toEqual(['reply', 'resolved']);
    await delivered;
    // Resolving a resolved ticket is not a legal transition.
    expect((await s.api('/api/tickets/1001/resolve', { cookie: agent.cookie, body: { closingMessage: 'again' } })).body.error.code).toBe('illegal_transition');

    const reopened = next(await s.agentSocket(agent.cookie), 'ticket:updated', 5000, (t) => t.status === 'open');
    await ask(visitor.socket, 'chat:message', { conversationId, clientId: cid(), text: 'It is broken again' });
    expect((await reopened).number).toBe(1001);
    const after = await s.api<TicketDetailDto>('/api/tickets/1001', { cookie: agent.cookie });
    expect(after.body.events.slice(-2).map((e) => e.type)).toEqual(['customer_message', 'status_changed']);
    expect(after.body.events.at(-1)).toMatchObject({ from: 'resolved', to: 'open' });
  });

  it('a customer message whose ticket step failed is recorded by the retried send, exactly once, and re-opens the ticket', async () => {
    const { agent, agentSock, visitor, conversationId } = await liveChat();
    await convert(agent.cookie, conversationId);
    await s.api('/api/tickets/1001/resolve', { cookie: agent.cookie, body: { closingMessage: 'Fixed: try again.' } });
    // The first time the ticket records the message, its write fails (the database itself is real).
    const write = vi.spyOn(s.services.tickets.store, 'change').mockRejectedValueOnce(new Error('injected: the ticket write failed'));

    const send = { conversationId, clientId: cid(), text: 'Still broken for me' };
    const first = await ask(visitor.socket, 'chat:message', send);
    expect(first).toMatchObject({ ok: true, data: { text: 'Still broken for me' } });
    await expect.poll(() => write.mock.results.length).toBe(1);
    await expect(write.mock.results[0]!.value).rejects.toThrow('injected');
    expect((await s.services.tickets.queries.get(1001)).status).toBe('resolved');

    // The widget retries the send (a duplicate of the stored message): the ticket gets it now.
    const reopened = next(agentSock, 'ticket:updated', 5000, (t) => t.status === 'open');
    expect(await ask(visitor.socket, 'chat:message', send)).toEqual(first);
    await reopened;
    // A third copy changes nothing: wait for its reaction to finish, then look.
    await ask(visitor.socket, 'chat:message', send);
    await expect.poll(() => write.mock.results.length).toBe(3);
    await write.mock.results[2]!.value;

    const after = await s.services.tickets.queries.get(1001);
    expect(after.status).toBe('open');
    expect(after.events.filter((e) => e.type === 'customer_message').map((e) => e.text)).toEqual(['Still broken for me']);
    expect(after.events.slice(-2).map((e) => e.type)).toEqual(['customer_message', 'status_changed']);
    const notes = (await s.api<NotificationDto[]>('/api/notifications', { cookie: agent.cookie })).body;
    expect(notes.map((n) => n.kind)).toEqual(['reopened']);
    expect((await s.api('/api/admin/tickets/1001/verify', { cookie: (await s.createAgent('Ada', 'admin')).cookie })).body).toMatchObject({ ok: true });
  });

  it('lists tickets by SLA risk and counts them for the dashboard', async () => {
    const { agent, conversationId } = await liveChat();
    await convert(agent.cookie, conversationId, { subject: 'Low one', priority: 'low', category: 'general' });
    await s.api('/api/helpcenter/requests', { body: { name: 'Dee', email: 'dee@example.com', subject: 'Medium one', message: 'm' } });
    const list = { body: (await s.api<TicketPage>('/api/tickets', { cookie: agent.cookie })).body.tickets };
    expect(list.body.map((t) => t.subject)).toEqual(['Medium one', 'Low one']);
    expect((await s.api('/api/tickets?status=bogus', { cookie: agent.cookie })).status).toBe(400);
    expect((await s.api('/api/tickets/abc', { cookie: agent.cookie })).status).toBe(400);
    expect((await s.api('/api/tickets/999999', { cookie: agent.cookie })).status).toBe(404);
    const counts = await s.api('/api/dashboard', { cookie: agent.cookie });
    expect(counts.body).toEqual({ highPriority: 0, open: 2, inProgress: 0, resolved: 0 });
  });

  it('refuses empty replies and notes, storing nothing', async () => {
    const { agent, conversationId } = await liveChat();
    await convert(agent.cookie, conversationId);
    for (const path of ['replies', 'notes']) {
      for (const body of [{}, { text: '' }, { text: 7 }, { text: 'x'.repeat(5001) }]) {
        expect((await s.api(`/api/tickets/1001/${path}`, { cookie: agent.cookie, body })).status).toBe(400);
      }
    }
    expect((await s.api('/api/tickets/1001/notes', { body: { text: 'anon' } })).status).toBe(401);
    const t = await s.api<TicketDetailDto>('/api/tickets/1001', { cookie: agent.cookie });
    expect(t.body.events.map((e) => e.type)).toEqual(['created']);
  });
});

describe('Help Center requests and leaving a message', () => {
  it('a Help Center request becomes a ticket with source help center', async () => {
    const res = await s.api('/api/helpcenter/requests', {
      body: { name: 'Eve', email: 'Eve@Example.com', subject: 'Refund', message: 'Please refund order 42' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ticketNumber: 1001 });
    const t = await s.services.tickets.queries.get(1001);
    expect(t).toMatchObject({ source: 'help_center', requester: { name: 'Eve', email: 'eve@example.com' }, subject: 'Refund' });
    expect(t.events[0]!.text).toBe('Please refund order 42');
  });

  it('refuses an incomplete request with a message per field', async () => {
    const res = await s.api('/api/helpcenter/requests', { body: { name: '', email: 'nope', subject: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: any) => i.path).sort()).toEqual(['email', 'message', 'name']);
    expect((await s.api('/api/helpcenter/requests', { token: 'forged', body: { name: 'a', email: 'a@b.co', subject: 's', message: 'm' } })).status).toBe(401);
    expect(await s.services.tickets.store.Ticket.countDocuments()).toBe(0);
  });

  it('with nobody online a visitor leaves a message that becomes a ticket with the transcript', async () => {
    const visitor = await s.visitor();
    const status = await s.api('/api/widget/status');
    expect(status.body).toMatchObject({ agentsOnline: false, site: 'default' });
    await ask(visitor.socket, 'chat:start', { clientId: cid(), text: 'Is anyone there?' });
    const left = await ask(visitor.socket, 'chat:leave-message', { email: 'vis@example.com', name: 'Vis', text: 'Please call me back about my order' });
    expect(left).toEqual({ ok: true, data: { ticketNumber: 1001 } });
    const t = await s.services.tickets.queries.get(1001);
    expect(t).toMatchObject({ source: 'chat_widget', requester: { email: 'vis@example.com', name: 'Vis' } });
    expect(t.transcript.map((m) => m.text)).toEqual(['Is anyone there?', 'Please call me back about my order']);
  });
});
