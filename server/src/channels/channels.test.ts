import { afterEach, describe, expect, it } from 'vitest';
import type { TicketDetailDto, TicketDto } from '@kamflo/shared';
import { ask, cid, next, startTestServer, type TestServer } from '../test/harness.ts';
import { startSmtpCatcher } from '../test/smtp-catcher.ts';
import { RETRY_DELAYS_MS } from './outbox.ts';

// Every customer-facing message of every source reaches the customer through a channel, or the
// agent is told why not. Deliveries are recorded first and sent from the outbox.

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(opts);
  servers.push(s);
  return s;
}

async function helpCenterTicket(s: TestServer, token?: string) {
  const r = await s.api<{ ticketNumber: number }>('/api/helpcenter/requests', {
    body: { name: 'Dana', email: 'dana@example.com', subject: 'Plan change', message: 'Can I switch to yearly?' },
    ...(token ? { token } : {}),
  });
  expect(r.status).toBe(201);
  return r.body.ticketNumber;
}

const detail = async (s: TestServer, cookie: string, n: number) => (await s.api<TicketDetailDto>(`/api/tickets/${n}`, { cookie })).body;

describe('who receives a reply', () => {
  it('with email off, a Help Center request without a widget says no channel reaches the customer, and replying is refused without recording anything', async () => {
    const s = await server({ email: false });
    const alice = await s.createAgent('Alice');
    const n = await helpCenterTicket(s);
    const before = await detail(s, alice.cookie, n);
    expect(before.reach).toEqual({});
    const r = await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'Yes' } });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe(
      'No channel reaches this customer: email is not configured on this server (KAMFLO_SMTP_URL) and they are not in the chat widget. Nothing was sent or recorded.',
    );
    expect((await s.api(`/api/tickets/${n}/resolve`, { cookie: alice.cookie, body: { closingMessage: 'Done' } })).status).toBe(409);
    expect((await detail(s, alice.cookie, n)).events).toEqual(before.events);
    // The widget and the console are told email is off.
    expect((await s.api('/api/widget/status')).body.emailEnabled).toBe(false);
    expect((await s.api('/api/settings/email', { cookie: alice.cookie })).body.outbound).toMatchObject({ configured: false, connected: false });
  });

  it('agent-created tickets and Help Center requests are answered by email; the delivery is shown as sent', async () => {
    const s = await server();
    const alice = await s.createAgent('Alice');
    expect((await s.api('/api/widget/status')).body.emailEnabled).toBe(true);
    const created = await s.api<TicketDto>('/api/tickets', {
      cookie: alice.cookie,
      body: {
        requesterEmail: 'bo@example.com',
        requesterName: 'Bo',
        subject: 'Your invoice',
        message: 'Called about the invoice',
        priority: 'low',
        category: 'billing',
      },
    });
    await s.api(`/api/tickets/${created.body.number}/replies`, { cookie: alice.cookie, body: { text: 'Here is the corrected invoice.' } });
    const mail = await s.mail!.waitFor((m) => m.to.includes('bo@example.com'));
    expect(mail.parsed.subject).toBe(`[#${created.body.number}] Your invoice`);

    const n = await helpCenterTicket(s);
    const d0 = await detail(s, alice.cookie, n);
    expect(d0.reach).toEqual({ email: { address: 'dana@example.com' } });
    await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'Yes, from your billing page.' } });
    await s.mail!.waitFor((m) => m.to.includes('dana@example.com') && String(m.parsed.text).includes('billing page'));
    await expect.poll(async () => (await detail(s, alice.cookie, n)).deliveries?.map((d) => [d.channel, d.state])).toEqual([['email', 'sent']]);
  });

  it('a left message is answered by email and in the widget', async () => {
    const s = await server();
    const alice = await s.createAgent('Alice');
    const v = await s.visitor();
    const left = await ask(v.socket, 'chat:leave-message', { email: 'vi@example.com', text: 'Call me back please' });
    if (!left.ok) throw new Error(left.error.message);
    const n = left.data.ticketNumber;
    const inWidget = next(v.socket, 'chat:message', 5000, (m) => m.text === 'Sure, tomorrow at 10?');
    await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'Sure, tomorrow at 10?' } });
    await inWidget;
    await s.mail!.waitFor((m) => m.to.includes('vi@example.com') && String(m.parsed.text).includes('tomorrow at 10'));
    await expect
      .poll(async () => (await detail(s, alice.cookie, n)).deliveries?.map((d) => `${d.channel}:${d.state}`).sort())
      .toEqual(['email:sent', 'widget:sent']);
  });

  it('a Help Center request sent from the widget also gets the reply in the widget while that visitor is connected, and their answer joins the ticket', async () => {
    const s = await server();
    const alice = await s.createAgent('Alice');
    const v = await s.visitor();
    const n = await helpCenterTicket(s, v.token);
    expect((await detail(s, alice.cookie, n)).reach).toEqual({ email: { address: 'dana@example.com' }, widget: {} });
    const got = next(v.socket, 'chat:message', 5000, (m) => m.text === 'Yes you can');
    await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'Yes you can' } });
    const m = await got;
    const synced = await ask(v.socket, 'chat:sync', { conversationId: m.conversationId });
    expect(synced).toMatchObject({ ok: true, data: { conversation: { ticketNumber: n, status: 'ticket' } } });
    expect(await ask(v.socket, 'chat:message', { conversationId: m.conversationId, clientId: cid(), text: 'Thanks!' })).toMatchObject({ ok: true });
    await expect.poll(async () => (await detail(s, alice.cookie, n)).events.at(-1)?.text).toBe('Thanks!');

    // Gone from the widget: email only.
    v.socket.disconnect();
    await expect.poll(async () => (await detail(s, alice.cookie, n)).reach).toEqual({ email: { address: 'dana@example.com' } });
  });
});

describe('the outbox', () => {
  it('a temporary SMTP failure is retried with backoff (injectable clock); the state shows retrying with the reason, then sent', async () => {
    const s = await server();
    const alice = await s.createAgent('Alice');
    const n = await helpCenterTicket(s);
    s.mail!.refuse(451, '4.7.1 Greylisted, try again later');
    await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'First answer' } });
    await expect.poll(async () => (await detail(s, alice.cookie, n)).deliveries?.[0]?.state).toBe('retrying');
    const d = (await detail(s, alice.cookie, n)).deliveries![0]!;
    expect(d).toMatchObject({ attempts: 1, error: expect.stringContaining('451') });
    expect(Date.parse(d.nextAttemptAt!) - s.clock.now().getTime()).toBe(RETRY_DELAYS_MS[0]);
    s.mail!.accept();
    expect(await s.services.channels.outbox.runDue()).toBe(0); // not due yet
    s.clock.advance(RETRY_DELAYS_MS[0]!);
    expect(await s.services.channels.outbox.runDue()).toBe(1);
    expect((await detail(s, alice.cookie, n)).deliveries![0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(s.mail!.mails.filter((m) => String(m.parsed.text).includes('First answer'))).toHaveLength(1);
  });

  it('a permanent refusal marks the message failed with the reason; Retry sends it again', async () => {
    const s = await server();
    const alice = await s.createAgent('Alice');
    const n = await helpCenterTicket(s);
    s.mail!.refuse(550, '5.1.1 No such user');
    const agentSocket = await s.agentSocket(alice.cookie);
    const failed = next(agentSocket, 'delivery:updated', 5000, (u) => u.delivery.state === 'failed');
    await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'Hello?' } });
    expect((await failed).ticketNumber).toBe(n);
    const d = (await detail(s, alice.cookie, n)).deliveries![0]!;
    expect(d).toMatchObject({ state: 'failed', error: expect.stringContaining('550') });

    s.mail!.accept();
    const retried = await s.api(`/api/tickets/${n}/deliveries/${encodeURIComponent(d.id)}/retry`, { cookie: alice.cookie, body: {} });
    expect(retried.status).toBe(200);
    await s.mail!.waitFor((m) => String(m.parsed.text).includes('Hello?'));
    await expect.poll(async () => (await detail(s, alice.cookie, n)).deliveries![0]!.state).toBe('sent');
    const again = await s.api(`/api/tickets/${n}/deliveries/${encodeURIComponent(d.id)}/retry`, { cookie: alice.cookie, body: {} });
    expect(again.status).toBe(409);
    expect((await s.api(`/api/tickets/${n}/deliveries/nonsense/retry`, { cookie: alice.cookie, body: {} })).status).toBe(400);
  });

  it('gives up after the last retry and says so', async () => {
    const s = await server();
    const alice = await s.createAgent('Alice');
    const n = await helpCenterTicket(s);
    s.mail!.refuse(421, '4.3.2 Service shutting down');
    await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'Persistent' } });
    await expect.poll(async () => (await detail(s, alice.cookie, n)).deliveries?.[0]?.state).toBe('retrying');
    for (const delay of RETRY_DELAYS_MS) {
      s.clock.advance(delay);
      await s.services.channels.outbox.runDue();
    }
    expect((await detail(s, alice.cookie, n)).deliveries![0]).toMatchObject({
      state: 'failed',
      attempts: RETRY_DELAYS_MS.length + 1,
      error: expect.stringMatching(/^Gave up after 8 attempts: SMTP 421/),
    });
  });

  it('two server processes running the outbox at once send each mail once', async () => {
    const catcher = await startSmtpCatcher();
    const a = await server({ catcher });
    const b = await server({ catcher, dbName: a.dbName });
    const alice = await a.createAgent('Alice');
    const numbers: number[] = [];
    for (let i = 0; i < 5; i++) numbers.push(await helpCenterTicket(a));
    catcher.refuse(451, 'later'); // recorded, not sent: both processes find them due
    for (const n of numbers) await a.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: `Answer for ${n}` } });
    await expect
      .poll(async () => (await Promise.all(numbers.map(async (n) => (await detail(a, alice.cookie, n)).deliveries?.[0]?.state))).every((x) => x === 'retrying'))
      .toBe(true);
    catcher.accept();
    a.clock.advance(RETRY_DELAYS_MS[0]!);
    b.clock.advance(RETRY_DELAYS_MS[0]!);
    await Promise.all([
      a.services.channels.outbox.runDue(),
      b.services.channels.outbox.runDue(),
      a.services.channels.outbox.runDue(),
      b.services.channels.outbox.runDue(),
    ]);
    for (const n of numbers) expect(catcher.mails.filter((m) => String(m.parsed.text).includes(`Answer for ${n}`))).toHaveLength(1);
    await catcher.close();
  });
});
