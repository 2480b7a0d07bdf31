import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketDetailDto } from '@kamflo/shared';
import { ask, askUnchecked, cid, next, startTestServer, type TestServer } from '../test/harness.ts';

// Continuity: once a chat became a ticket, a new question is a new chat, the ticket hears only
// what the visitor writes in its thread, and "Your conversations" lists both, live.

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

/** A chat an agent accepted, answered and turned into a ticket, then resolved. */
async function resolvedTicket() {
  const agent = await s.createAgent('Alice');
  const agentSock = await s.agentSocket(agent.cookie);
  const visitor = await s.visitor();
  const offered = next(agentSock, 'chat:requests', 5000, (r) => r.some((x) => x.state === 'offered'));
  const started = await ask(visitor.socket, 'chat:start', { clientId: cid(), text: 'The export button does nothing' });
  if (!started.ok) throw new Error(started.error.message);
  const conversationId = started.data.conversation.id;
  await offered;
  await ask(agentSock, 'chat:accept', { conversationId });
  await ask(agentSock, 'chat:message', { conversationId, clientId: cid(), text: 'Let me check that for you' });
  const converted = next(visitor.socket, 'chat:updated', 5000, (c) => c.status === 'ticket');
  const t = await s.api(`/api/conversations/${conversationId}/ticket`, {
    cookie: agent.cookie,
    body: { subject: 'Export broken', priority: 'high', category: 'bug' },
  });
  expect(t.status).toBe(201);
  const number: number = t.body.number;
  expect(await converted).toMatchObject({ id: conversationId, ticketNumber: number, ticketStatus: 'open' });
  const resolved = next(visitor.socket, 'chat:updated', 5000, (c) => c.ticketStatus === 'resolved');
  expect((await s.api(`/api/tickets/${number}/resolve`, { cookie: agent.cookie, body: { closingMessage: 'Fixed in 2.1' } })).status).toBe(200);
  // The visitor is told at once, with the ticket's number and status.
  expect(await resolved).toMatchObject({ id: conversationId, status: 'ticket', ticketNumber: number });
  return { agent, agentSock, visitor, conversationId, number };
}

const ticketOf = async (cookie: string, n: number) => (await s.api<TicketDetailDto>(`/api/tickets/${n}`, { cookie })).body;

describe('after a chat became a ticket', () => {
  it('a new conversation is a new chat and does not re-open the resolved ticket', async () => {
    const { agent, visitor, conversationId, number } = await resolvedTicket();
    const events = (await ticketOf(agent.cookie, number)).events.length;

    const fresh = await ask(visitor.socket, 'chat:start', { clientId: cid(), text: 'Another question: how do I invite a colleague?' });
    if (!fresh.ok) throw new Error(fresh.error.message);
    expect(fresh.data.conversation.id).not.toBe(conversationId);
    expect(fresh.data.conversation.status).toBe('queued');
    expect(fresh.data.conversation.ticketNumber).toBeUndefined();

    // The ticket heard nothing: still resolved, no new event.
    const after = await ticketOf(agent.cookie, number);
    expect(after.status).toBe('resolved');
    expect(after.events).toHaveLength(events);
    // The new chat carries on as itself.
    expect(await ask(visitor.socket, 'chat:message', { conversationId: fresh.data.conversation.id, clientId: cid(), text: 'Anyone?' })).toMatchObject({
      ok: true,
    });
    expect((await ticketOf(agent.cookie, number)).status).toBe('resolved');
    // With no conversation named, sync gives the newest: the new chat, not the ticket.
    expect(await ask(visitor.socket, 'chat:sync', {})).toMatchObject({ ok: true, data: { conversation: { id: fresh.data.conversation.id } } });
  });

  it("a reply in the ticket's thread goes to that ticket and re-opens it; the visitor sees the status change", async () => {
    const { agent, visitor, conversationId, number } = await resolvedTicket();
    expect(await ask(visitor.socket, 'chat:sync', { conversationId })).toMatchObject({
      ok: true,
      data: { conversation: { status: 'ticket', ticketNumber: number, ticketStatus: 'resolved' } },
    });
    const reopened = next(visitor.socket, 'chat:updated', 5000, (c) => c.id === conversationId && c.ticketStatus === 'open');
    expect(await ask(visitor.socket, 'chat:message', { conversationId, clientId: cid(), text: 'It broke again' })).toMatchObject({ ok: true });
    await reopened;
    const t = await ticketOf(agent.cookie, number);
    expect(t.status).toBe('open');
    expect(t.events.some((e) => e.type === 'customer_message' && e.text === 'It broke again')).toBe(true);
  });
});

describe('"Your conversations"', () => {
  it('lists the chat and the ticket, newest first, with status, number, last message and unread counts', async () => {
    const { agentSock, visitor, conversationId, number } = await resolvedTicket();
    const fresh = await ask(visitor.socket, 'chat:start', { clientId: cid(), text: 'Second question' });
    if (!fresh.ok) throw new Error(fresh.error.message);
    const second = fresh.data.conversation.id;
    await ask(agentSock, 'chat:accept', { conversationId: second }).catch(() => null);

    const r = await ask(visitor.socket, 'chat:history', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.conversations.map((c) => c.conversation.id)).toEqual([second, conversationId]);
    const [newer, ticket] = r.data.conversations;
    expect(newer).toMatchObject({ conversation: { status: 'queued' }, last: { text: 'Second question', author: 'visitor' }, unread: 0 });
    // Two agent messages unread in the ticket: the agent's answer and the closing message.
    expect(ticket).toMatchObject({
      conversation: { status: 'ticket', ticketNumber: number, ticketStatus: 'resolved' },
      last: { author: 'agent', text: 'Fixed in 2.1' },
      unread: 2,
      readSeq: 0,
    });

    // Read up to the closing message (the widget's read receipt): nothing unread there any more.
    visitor.socket.emit('chat:read', { conversationId, seq: ticket!.last!.seq });
    await expect
      .poll(async () => {
        const again = await ask(visitor.socket, 'chat:history', {});
        return again.ok ? again.data.conversations[1] : null;
      })
      .toMatchObject({ unread: 0, readSeq: ticket!.last!.seq });

    // Nobody else's: another visitor's list is empty; bad input is refused.
    const other = await s.visitor();
    expect(await ask(other.socket, 'chat:history', {})).toEqual({ ok: true, data: { conversations: [] } });
    expect(await askUnchecked(other.socket, 'chat:history', { visitorId: visitor.visitorId })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('a reply to an older conversation arrives live while the visitor is in a new one, on every socket of theirs', async () => {
    const { agent, visitor, conversationId, number } = await resolvedTicket();
    const fresh = await ask(visitor.socket, 'chat:start', { clientId: cid(), text: 'New topic' });
    if (!fresh.ok) throw new Error(fresh.error.message);
    // The same visitor in another tab.
    const tab = await s.visitorSocket(visitor.token);

    const here = next(visitor.socket, 'chat:message', 5000, (m) => m.text === 'One more thing about your export');
    const there = next(tab, 'chat:message', 5000, (m) => m.text === 'One more thing about your export');
    expect((await s.api(`/api/tickets/${number}/replies`, { cookie: agent.cookie, body: { text: 'One more thing about your export' } })).status).toBe(201);
    expect(await here).toMatchObject({ conversationId, author: 'agent' });
    expect(await there).toMatchObject({ conversationId });
    const r = await ask(visitor.socket, 'chat:history', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.conversations.find((c) => c.conversation.id === conversationId)).toMatchObject({
      unread: 3,
      last: { text: 'One more thing about your export' },
    });
  });

  it('a Help Center request from the widget and a left message are listed with their tickets, and a status change reaches the claimed conversation', async () => {
    const agent = await s.createAgent('Alice');
    const visitor = await s.visitor();
    // No agent online: the visitor leaves a message, which becomes a ticket.
    const left = await ask(visitor.socket, 'chat:leave-message', { email: 'vi@example.com', text: 'Call me back please' });
    if (!left.ok) throw new Error(left.error.message);
    s.clock.advance(1000);
    const r = await s.api<{ ticketNumber: number }>('/api/helpcenter/requests', {
      token: visitor.token,
      body: { name: 'Vi', email: 'vi@example.com', subject: 'Plan change', message: 'Can I switch to yearly?' },
    });
    expect(r.status).toBe(201);
    const hc = r.body.ticketNumber;
    // The reply opens the Help Center ticket's conversation in the widget (widget.channel.ts).
    const got = next(visitor.socket, 'chat:message', 5000, (m) => m.text === 'Yes you can');
    await s.api(`/api/tickets/${hc}/replies`, { cookie: agent.cookie, body: { text: 'Yes you can' } });
    const hcConversation = (await got).conversationId;

    const resolved = next(visitor.socket, 'chat:updated', 5000, (c) => c.id === hcConversation && c.ticketStatus === 'resolved');
    await s.api(`/api/tickets/${hc}/resolve`, { cookie: agent.cookie, body: { closingMessage: 'Switched you to yearly' } });
    expect(await resolved).toMatchObject({ status: 'ticket', ticketNumber: hc });

    const list = await ask(visitor.socket, 'chat:history', {});
    if (!list.ok) throw new Error(list.error.message);
    expect(list.data.conversations.map((c) => [c.conversation.ticketNumber, c.conversation.ticketStatus, c.unread])).toEqual([
      [hc, 'resolved', 2],
      [left.data.ticketNumber, 'open', 0],
    ]);
  });

  it("a verified user's list is the same on every device; an anonymous visitor or an unproved claim of that user gets none of it", async () => {
    const admin = await s.createAgent('Ada', 'admin');
    const secret: string = (await s.api('/api/admin/sites/default/secret', { cookie: admin.cookie })).body.secret;
    const user = { id: 'user-7', hash: crypto.createHmac('sha256', secret).update('user-7').digest('hex') };
    const boot = async (u?: object) => (await s.api<{ token: string }>('/api/visitors', { body: u ? { user: u } : {} })).body.token;
    const laptop = await s.visitorSocket(await boot(user));
    const started = await ask(laptop, 'chat:start', { clientId: cid(), text: 'from my laptop' });
    if (!started.ok) throw new Error(started.error.message);

    const phone = await s.visitorSocket(await boot(user));
    expect(await ask(phone, 'chat:history', {})).toMatchObject({
      ok: true,
      data: { conversations: [{ conversation: { id: started.data.conversation.id }, last: { text: 'from my laptop' } }] },
    });
    for (const other of [await boot(), await boot({ id: 'user-7' })])
      expect(await ask(await s.visitorSocket(other), 'chat:history', {})).toEqual({ ok: true, data: { conversations: [] } });
  });
});
