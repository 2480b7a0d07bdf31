import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ImapFlow } from 'imapflow';
import type { TicketDetailDto, TicketPage } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { composeMail } from '../test/mail.ts';

// The IMAP poller against a real Dovecot (tests/mail/dovecot.sh), one mailbox per test.

const base = inject('imapUrl');
let imap: ImapFlow;
const servers: TestServer[] = [];

beforeAll(async () => {
  if (!base) throw new Error(`The IMAP tests need Dovecot: ${inject('imapError')}`);
  const u = new URL(base);
  imap = new ImapFlow({
    host: u.hostname,
    port: Number(u.port),
    secure: false,
    auth: { user: u.username, pass: decodeURIComponent(u.password) },
    logger: false,
  });
  await imap.connect();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await imap?.logout();
});

async function mailbox(): Promise<string> {
  const name = `t${crypto.randomBytes(5).toString('hex')}`;
  await imap.mailboxCreate(name);
  return name;
}

async function server(box: string, dbName?: string) {
  const s = await startTestServer({ email: { imapUrl: `${base}/${box}`, maxMessageBytes: 1024 * 1024 }, ...(dbName ? { dbName } : {}) });
  servers.push(s);
  return s;
}

async function append(box: string, m: { subject: string; text: string; from?: string; messageId?: string; inReplyTo?: string; extra?: Buffer }) {
  const raw = await composeMail({
    from: m.from ?? 'Dana <dana@example.com>',
    to: 'support@acme.test',
    subject: m.subject,
    text: m.text,
    messageId: m.messageId ?? `<${crypto.randomUUID()}@customer.example>`,
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
    ...(m.extra ? { attachments: [{ filename: 'big.bin', content: m.extra }] } : {}),
  });
  await imap.append(box, raw);
}

async function unseen(box: string): Promise<number> {
  await imap.noop();
  const st = await imap.status(box, { unseen: true });
  return st ? (st.unseen ?? -1) : -1;
}

const emailTickets = async (s: TestServer, cookie: string) => (await s.api<TicketPage>('/api/tickets?source=email', { cookie })).body.tickets;

describe('IMAP polling', () => {
  it('new mail becomes a ticket and is marked seen only once stored; a reply joins it; the console shows IMAP as connected', async () => {
    const box = await mailbox();
    const s = await server(box);
    const alice = await s.createAgent('Alice');
    await append(box, { subject: 'Cannot export', text: 'Export fails with error 500' });
    expect(await unseen(box)).toBe(1);
    expect(await s.services.email.poller()!.pollNow()).toBe(1);
    expect(await unseen(box)).toBe(0);
    const [t] = await emailTickets(s, alice.cookie);
    expect(t).toMatchObject({ subject: 'Cannot export', requester: { name: 'Dana', email: 'dana@example.com' }, priority: 'medium' });
    const status = (await s.api('/api/settings/email', { cookie: alice.cookie })).body;
    expect(status.inbound.imap).toMatchObject({ configured: true, connected: true, mailbox: box });
    expect(status.inbound.smtp).toMatchObject({ configured: false });

    await s.api(`/api/tickets/${t!.number}/replies`, { cookie: alice.cookie, body: { text: 'Which file?' } });
    const reply = await s.mail!.waitFor((m) => String(m.parsed.text).includes('Which file?'));
    await append(box, { subject: `Re: ${reply.parsed.subject}`, text: 'report.csv', inReplyTo: reply.parsed.messageId! });
    await s.services.email.poller()!.pollNow();
    const d = (await s.api<TicketDetailDto>(`/api/tickets/${t!.number}`, { cookie: alice.cookie })).body;
    expect(d.events.at(-1)).toMatchObject({ type: 'customer_message', text: 'report.csv' });
    expect(await emailTickets(s, alice.cookie)).toHaveLength(1);
  });

  it('waits in IDLE: new mail is taken in as the server announces it, with no poll timer', async () => {
    const box = await mailbox();
    const s = await server(box);
    const alice = await s.createAgent('Alice');
    const poller = s.services.email.poller()!;
    await poller.pollNow();
    poller.start(24 * 3600_000); // the timer will not fire during this test
    await append(box, { subject: 'Pushed', text: 'Arrives through IDLE' });
    await expect.poll(async () => (await emailTickets(s, alice.cookie)).map((t) => t.subject), { timeout: 10_000 }).toEqual(['Pushed']);
  });

  it('two processes polling one mailbox at once store each mail once', async () => {
    const box = await mailbox();
    const a = await server(box);
    const b = await server(box, a.dbName);
    const alice = await a.createAgent('Alice');
    for (let i = 0; i < 4; i++) await append(box, { subject: `Parallel ${i}`, text: `Message ${i}` });
    await Promise.all([a.services.email.poller()!.pollNow(), b.services.email.poller()!.pollNow()]);
    // What one process found busy (the other was storing it) is picked up on its next poll.
    await Promise.all([a.services.email.poller()!.pollNow(), b.services.email.poller()!.pollNow()]);
    const tickets = await emailTickets(a, alice.cookie);
    expect(tickets.map((t) => t.subject).sort()).toEqual(['Parallel 0', 'Parallel 1', 'Parallel 2', 'Parallel 3']);
    expect(await unseen(box)).toBe(0);
  });

  it('a poller that stopped after storing and before marking seen stores nothing twice', async () => {
    const box = await mailbox();
    const s = await server(box);
    const alice = await s.createAgent('Alice');
    await append(box, { subject: 'Restarted', text: 'Once only' });
    await s.services.email.poller()!.pollNow();
    // As if the process died just before \Seen: the mail is unseen again.
    const lock = await imap.getMailboxLock(box);
    await imap.messageFlagsRemove('1:*', ['\\Seen']);
    lock.release();
    expect(await unseen(box)).toBe(1);
    await s.services.email.poller()!.pollNow();
    expect(await emailTickets(s, alice.cookie)).toHaveLength(1);
    expect(await unseen(box)).toBe(0);
  });

  it('an oversized message still reaches the team (headers and a note), malformed mail is marked seen without a ticket, and polling goes on', async () => {
    const box = await mailbox();
    const s = await server(box);
    const alice = await s.createAgent('Alice');
    await append(box, { subject: 'Huge scan', text: 'see attached', extra: Buffer.alloc(2 * 1024 * 1024, 5) });
    await imap.append(box, 'Subject: no sender\r\n\r\nwho sent this?\r\n');
    await append(box, { subject: 'After the bad ones', text: 'fine' });
    await s.services.email.poller()!.pollNow();
    const tickets = await emailTickets(s, alice.cookie);
    expect(tickets.map((t) => t.subject).sort()).toEqual(['After the bad ones', 'Huge scan']);
    const huge = (await s.api<TicketDetailDto>(`/api/tickets/${tickets.find((t) => t.subject === 'Huge scan')!.number}`, { cookie: alice.cookie })).body;
    expect(huge.events[0]!.text).toMatch(/over Kamflo's 1 MB limit.*still in the support mailbox/);
    expect(await unseen(box)).toBe(0);
  });
});
