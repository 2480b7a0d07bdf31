import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationDto, TicketDetailDto, TicketPage } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { composeMail, smtpRefusal, smtpSend } from '../test/mail.ts';
import type { CaughtMail } from '../test/smtp-catcher.ts';

// The email channel end to end through its real protocols: customers' mail arrives at Kamflo's
// SMTP listener, replies leave through SMTP to a catcher this test reads back.

let s: TestServer;
let alice: Awaited<ReturnType<TestServer['createAgent']>>;
let lead: Awaited<ReturnType<TestServer['createAgent']>>;
let port: number;
let seq = 0;

beforeAll(async () => {
  s = await startTestServer({ email: { inboundSmtpPort: 0, maxAttachmentBytes: 2 * 1024 * 1024, maxMessageBytes: 25 * 1024 * 1024 } });
  alice = await s.createAgent('Alice');
  lead = await s.createAgent('Lena Lead', 'team_lead');
  port = s.services.email.listener()!.status().port!;
});
afterAll(async () => {
  await s?.close();
});

const uniq = () => `${Date.now().toString(36)}${++seq}`;
const mid = (tag: string) => `<${tag}.${uniq()}@customer.example>`;

async function customerMail(m: {
  from?: string;
  subject: string;
  text?: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer | string; contentType?: string }[];
}) {
  const raw = await composeMail({
    from: m.from ?? 'Dana Customer <dana@example.com>',
    to: 'support@acme.test',
    subject: m.subject,
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.html !== undefined ? { html: m.html } : {}),
    messageId: m.messageId ?? mid('m'),
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
    ...(m.references ? { references: m.references } : {}),
    ...(m.headers ? { headers: m.headers } : {}),
    ...(m.attachments ? { attachments: m.attachments } : {}),
  });
  const address = /<([^>]+)>/.exec(m.from ?? '<dana@example.com>')?.[1] ?? m.from!;
  return smtpSend(port, raw, { from: address, to: ['support@acme.test'] });
}

async function ticketBySubject(subject: string): Promise<TicketDetailDto> {
  const list = (await s.api<TicketPage>('/api/tickets?source=email', { cookie: alice.cookie })).body.tickets;
  const t = list.find((x) => x.subject === subject);
  if (!t) throw new Error(`no ticket "${subject}"`);
  return (await s.api<TicketDetailDto>(`/api/tickets/${t.number}`, { cookie: alice.cookie })).body;
}

const mailsTo = (address: string, subjectPart: string) => s.mail!.mails.filter((m) => m.to.includes(address) && String(m.parsed.subject).includes(subjectPart));
const header = (m: CaughtMail, name: string) => String(m.parsed.headers.get(name) ?? '');

describe('a new email becomes a ticket', () => {
  it('with the sender as requester, the subject, the trimmed text (original kept), Medium priority and the SLA from creation; the customer is acknowledged in the thread', async () => {
    const subject = `Order never arrived ${uniq()}`;
    const messageId = mid('first');
    const answer = await customerMail({
      subject,
      messageId,
      text: 'My order 1234 never arrived.\n\nDana\n-- \nDana Customer\nCustomer Inc.\n',
    });
    expect(answer).toMatch(/Stored as ticket #\d+/);
    const t = await ticketBySubject(subject);
    expect(t).toMatchObject({ source: 'email', priority: 'medium', status: 'open', requester: { name: 'Dana Customer', email: 'dana@example.com' } });
    expect(Date.parse(t.slaDueAt) - Date.parse(t.createdAt)).toBe(24 * 3600_000);
    expect(t.events[0]).toMatchObject({ type: 'created', actor: { kind: 'customer', name: 'Dana Customer' }, text: 'My order 1234 never arrived.\n\nDana' });
    expect(t.emails).toHaveLength(1);
    expect(t.emails![0]).toMatchObject({ seq: 1, trimmed: true, from: { address: 'dana@example.com' } });
    expect(t.emails![0]!.originalText).toContain('Customer Inc.');
    expect(t.reach).toEqual({ email: { address: 'dana@example.com' } });

    const ack = await s.mail!.waitFor((m) => String(m.parsed.subject) === `[#${t.number}] ${subject}`);
    expect(ack.to).toEqual(['dana@example.com']);
    expect(ack.parsed.text).toContain(`#${t.number}`);
    expect(header(ack, 'auto-submitted')).toBe('auto-replied');
    expect(header(ack, 'in-reply-to')).toBe(messageId);
    expect(ack.parsed.messageId).toMatch(/@acme\.test>$/);
  });

  it('the same mail delivered twice (a sending server retrying) is one ticket', async () => {
    const subject = `Twice ${uniq()}`;
    const raw = await composeMail({ from: 'dana@example.com', to: 'support@acme.test', subject, text: 'Hello', messageId: mid('dup') });
    const first = await smtpSend(port, raw, { from: 'dana@example.com', to: ['support@acme.test'] });
    const second = await smtpSend(port, raw, { from: 'dana@example.com', to: ['support@acme.test'] });
    expect(second).toBe(first);
    const list = (await s.api<TicketPage>('/api/tickets?source=email', { cookie: alice.cookie })).body.tickets;
    expect(list.filter((t) => t.subject === subject)).toHaveLength(1);
  });

  it('HTML-only mail: text for the timeline, its HTML only sanitized — in the API and in the document the console frames', async () => {
    const subject = `Html ${uniq()}`;
    await customerMail({
      subject,
      html: '<p>Hello <b>team</b></p><script>window.pwned=1</script><img src="x" onerror="alert(1)"><img src="https://tracker.example/pixel.gif" alt="logo"><a href="javascript:alert(2)">click</a><iframe src="https://evil.example"></iframe><p style="background:url(https://evil.example/x)">styled</p>',
    });
    const t = await ticketBySubject(subject);
    expect(t.events[0]!.text).toContain('Hello team');
    const html = t.emails![0]!.html!;
    expect(html).toContain('<b>team</b>');
    for (const bad of ['<script', 'onerror', 'javascript:', '<iframe', 'style=', 'evil.example']) expect(html).not.toContain(bad);
    expect(html).not.toMatch(/\ssrc="https:/);
    expect(html).toContain('data-remote-src="https://tracker.example/pixel.gif"');
    expect(t.emails![0]!.remoteContent).toBe(true);

    const doc = await s.api<string>(t.emails![0]!.htmlUrl!, { cookie: alice.cookie });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(doc.headers.get('content-security-policy')).not.toContain('https:');
    expect(doc.body).not.toContain('<script>window');
    expect(doc.body).not.toMatch(/\ssrc="https:/);
    const remote = await s.api<string>(`${t.emails![0]!.htmlUrl}?remote=1`, { cookie: alice.cookie });
    expect(remote.body).toContain('src="https://tracker.example/pixel.gif"');
    expect(remote.headers.get('content-security-policy')).toContain('img-src data: https:');
    expect((await s.api(t.emails![0]!.htmlUrl!)).status).toBe(401);
  });

  it('attachments are stored and listed with name, type and size, served only as downloads; one over the limit is listed as not stored', async () => {
    const subject = `Files ${uniq()}`;
    const pdf = Buffer.alloc(300_000, 1);
    await customerMail({
      subject,
      text: 'See attached',
      attachments: [
        { filename: 'invoice.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'page.html', content: '<script>alert(1)</script>', contentType: 'text/html' },
        { filename: 'huge.bin', content: Buffer.alloc(3 * 1024 * 1024, 2), contentType: 'application/octet-stream' },
      ],
    });
    const t = await ticketBySubject(subject);
    const e = t.emails![0]!;
    expect(e.attachments.map((a) => [a.name, a.type, a.size])).toEqual([
      ['invoice.pdf', 'application/pdf', 300_000],
      ['page.html', 'text/html', 25],
    ]);
    expect(e.skipped).toEqual([{ name: 'huge.bin', size: 3 * 1024 * 1024, reason: 'over the 2 MB attachment limit' }]);
    const res = await fetch(s.url + e.attachments[0]!.url, { headers: { cookie: alice.cookie } });
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    const html = await fetch(s.url + e.attachments[1]!.url, { headers: { cookie: alice.cookie } });
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(s.url + e.attachments[0]!.url)).status).toBe(401);
  });
});

describe('the conversation by email', () => {
  it('agent reply → threaded mail with the number; customer reply → same ticket; resolve → closing mail; a reply to a resolved ticket re-opens it with a notification', async () => {
    const subject = `Broken login ${uniq()}`;
    const first = mid('thread');
    await customerMail({ subject, messageId: first, text: 'I cannot log in.' });
    const t = await ticketBySubject(subject);
    const replied = await s.api<TicketDetailDto>(`/api/tickets/${t.number}/replies`, {
      cookie: alice.cookie,
      body: { text: 'Try <b>resetting</b> your password & tell me.' },
    });
    expect(replied.status).toBe(201);
    const reply = await s.mail!.waitFor((m) => String(m.parsed.subject) === `[#${t.number}] ${subject}` && String(m.parsed.text).includes('resetting'));
    expect(reply.to).toEqual(['dana@example.com']);
    expect(reply.parsed.from?.value[0]).toMatchObject({ address: 'support@acme.test', name: 'Acme Support' });
    expect(header(reply, 'in-reply-to')).toBe(first);
    expect(header(reply, 'references')).toContain(first);
    expect(reply.parsed.messageId).toMatch(new RegExp(`^<kamflo\\.${t.id}\\.\\d+\\.r@acme\\.test>$`));
    expect(reply.parsed.text).toContain('Try <b>resetting</b> your password & tell me.');
    expect(reply.parsed.html).toContain('Try &lt;b&gt;resetting&lt;/b&gt; your password &amp; tell me.');
    await expect
      .poll(
        async () =>
          (await s.api<TicketDetailDto>(`/api/tickets/${t.number}`, { cookie: alice.cookie })).body.deliveries?.find((d) => d.kind === 'reply')?.state,
      )
      .toBe('sent');

    // The customer answers in their mail program: quoted history below their text.
    await customerMail({
      subject: `Re: [#${t.number}] ${subject}`,
      inReplyTo: reply.parsed.messageId!,
      references: [first, reply.parsed.messageId!],
      text: `That worked, thanks!\n\nOn Mon, 5 Jan 2026 at 09:00, Acme Support <support@acme.test> wrote:\n> Try resetting your password\n`,
    });
    let d = (await s.api<TicketDetailDto>(`/api/tickets/${t.number}`, { cookie: alice.cookie })).body;
    expect(d.events.at(-1)).toMatchObject({ type: 'customer_message', text: 'That worked, thanks!' });
    expect(d.emails!.at(-1)!.originalText).toContain('> Try resetting your password');

    const resolved = await s.api<TicketDetailDto>(`/api/tickets/${t.number}/resolve`, {
      cookie: alice.cookie,
      body: { closingMessage: 'Glad it works. Write back any time.' },
    });
    expect(resolved.body.status).toBe('resolved');
    const closing = await s.mail!.waitFor((m) => String(m.parsed.text).includes('Glad it works'));
    expect(closing.parsed.subject).toBe(`[#${t.number}] ${subject}`);
    expect(header(closing, 'references')).toContain(first);

    await customerMail({ subject: `Re: [#${t.number}] ${subject}`, inReplyTo: closing.parsed.messageId!, text: 'It broke again.' });
    d = (await s.api<TicketDetailDto>(`/api/tickets/${t.number}`, { cookie: alice.cookie })).body;
    expect(d.status).toBe('open');
    expect(d.events.slice(-2).map((e) => e.type)).toEqual(['customer_message', 'status_changed']);
    const notes = (await s.api<NotificationDto[]>('/api/notifications', { cookie: alice.cookie })).body;
    expect(notes.find((n) => n.kind === 'reopened' && n.ticketNumber === t.number)).toBeTruthy();
  });

  it('[#N] in the subject from the requester joins the ticket; a forged In-Reply-To or [#N] from someone else becomes a new ticket', async () => {
    const subject = `Refund ${uniq()}`;
    await customerMail({ subject, text: 'Please refund.' });
    const t = await ticketBySubject(subject);
    await customerMail({ subject: `About [#${t.number}]`, text: 'Any news?' });
    expect((await ticketBySubject(subject)).events.at(-1)).toMatchObject({ type: 'customer_message', text: 'Any news?' });

    const ours = `<kamflo.${t.id}.1.a@acme.test>`;
    await customerMail({ from: 'Mallory <mallory@evil.example>', subject: `Re: [#${t.number}] ${subject}`, inReplyTo: ours, text: 'Send the refund to me' });
    const after = await ticketBySubject(subject);
    expect(after.events.map((e) => e.text)).not.toContain('Send the refund to me');
    const forged = await ticketBySubject(`Re: [#${t.number}] ${subject}`);
    expect(forged.number).not.toBe(t.number);
    expect(forged.requester).toEqual({ name: 'Mallory', email: 'mallory@evil.example' });
  });

  it('a reply to a closed ticket is kept, the ticket stays closed, and the assignee and team leads are told', async () => {
    const subject = `Spam-ish ${uniq()}`;
    const first = mid('closed');
    await customerMail({ subject, messageId: first, text: 'First' });
    const t = await ticketBySubject(subject);
    await s.api(`/api/tickets/${t.number}/assign`, { cookie: alice.cookie, body: { agentId: alice.id } });
    await s.api(`/api/tickets/${t.number}/status`, { cookie: alice.cookie, body: { to: 'closed', reason: 'duplicate' } });
    await customerMail({ subject: `Re: [#${t.number}] ${subject}`, references: [first], text: 'Hello again' });
    const d = (await s.api<TicketDetailDto>(`/api/tickets/${t.number}`, { cookie: alice.cookie })).body;
    expect(d.status).toBe('closed');
    expect(d.events.at(-1)).toMatchObject({ type: 'customer_message', text: 'Hello again' });
    for (const who of [alice, lead]) {
      const n = (await s.api<NotificationDto[]>('/api/notifications', { cookie: who.cookie })).body;
      expect(n.find((x) => x.kind === 'customer_wrote' && x.ticketNumber === t.number)).toBeTruthy();
    }
  });

  it('an internal note is never mailed, on any path: a note, or the internal half of an escalation', async () => {
    const subject = `Secret ${uniq()}`;
    await customerMail({ subject, text: 'Help' });
    const t = await ticketBySubject(subject);
    await s.mail!.waitFor((m) => String(m.parsed.subject).includes(`[#${t.number}]`)); // the acknowledgement
    await s.api(`/api/tickets/${t.number}/notes`, { cookie: alice.cookie, body: { text: 'INTERNAL: customer is on the legacy plan' } });
    await s.api(`/api/tickets/${t.number}/escalate`, {
      cookie: alice.cookie,
      body: {
        tried: 'INTERNAL-TRIED',
        customerContext: 'INTERNAL-CONTEXT',
        nextStep: 'investigate',
        nextStepDetails: 'INTERNAL-DETAILS',
        priority: 'high',
        category: 'technical',
        customerUpdate: 'We passed this to our technical team.',
      },
    });
    await s.mail!.waitFor((m) => String(m.parsed.text).includes('We passed this to our technical team.'));
    await s.services.channels.outbox.runDue();
    const all = mailsTo('dana@example.com', `[#${t.number}]`).map((m) => String(m.parsed.text) + String(m.parsed.html));
    expect(all).toHaveLength(2); // the acknowledgement and the escalation update
    for (const text of all) for (const secret of ['INTERNAL']) expect(text).not.toContain(secret);
    const d = (await s.api<TicketDetailDto>(`/api/tickets/${t.number}`, { cookie: alice.cookie })).body;
    const internalSeqs = d.events.filter((e) => e.type === 'note' || e.type === 'escalated').map((e) => e.seq);
    expect(d.deliveries!.filter((x) => internalSeqs.includes(x.seq))).toEqual([]);
  });
});

describe('no mail loops', () => {
  it.each([
    ['Auto-Submitted: auto-replied', { headers: { 'Auto-Submitted': 'auto-replied' } }],
    ['Precedence: bulk', { headers: { Precedence: 'bulk' } }],
    ['Precedence: list', { headers: { Precedence: 'list' } }],
    ['a mailer-daemon', { from: 'Mail Delivery System <MAILER-DAEMON@mx.example.com>' }],
  ])('%s becomes a ticket without an acknowledgement', async (_name, extra) => {
    const subject = `Auto ${uniq()}`;
    await customerMail({ subject, text: 'Out of office', ...extra });
    const t = await ticketBySubject(subject);
    await s.services.channels.outbox.runDue();
    expect(t.deliveries).toEqual([]);
    expect(s.mail!.mails.filter((m) => String(m.parsed.subject).includes(`[#${t.number}]`))).toEqual([]);
  });

  it('a null return path (a bounce) gets no acknowledgement', async () => {
    const subject = `Bounce ${uniq()}`;
    const raw = await composeMail({ from: 'dana@example.com', to: 'support@acme.test', subject, text: 'Undeliverable', messageId: mid('b') });
    await smtpSend(port, raw, { from: '', to: ['support@acme.test'] });
    const t = await ticketBySubject(subject);
    expect(t.deliveries).toEqual([]);
  });

  it('mail from the support address itself is ignored: no ticket, no answer', async () => {
    const subject = `Ours ${uniq()}`;
    const answer = await customerMail({ from: 'Acme Support <support@acme.test>', subject, text: 'loop?' });
    expect(answer).toMatch(/Ignored/);
    expect(await ticketBySubject(subject).catch(() => null)).toBeNull();
  });

  it('admins can switch the acknowledgement off', async () => {
    const admin = await s.createAgent(`Ada Admin ${uniq()}`, 'admin');
    expect((await s.api('/api/settings/email', { method: 'PUT', cookie: alice.cookie, body: { acknowledge: false } })).status).toBe(403);
    expect((await s.api('/api/settings/email', { method: 'PUT', cookie: admin.cookie, body: { acknowledge: false } })).body.acknowledge).toBe(false);
    const subject = `Quiet ${uniq()}`;
    await customerMail({ subject, text: 'hi' });
    expect((await ticketBySubject(subject)).deliveries).toEqual([]);
    await s.api('/api/settings/email', { method: 'PUT', cookie: admin.cookie, body: { acknowledge: true } });
  });
});

describe('bad input: a clear refusal, nothing half-stored, and the listener keeps serving', () => {
  async function ticketCount() {
    return (await s.api<TicketPage>('/api/tickets', { cookie: alice.cookie })).body.tickets.length;
  }

  it('malformed MIME, a missing From, a 30 MB attachment, a stranger recipient', async () => {
    const before = await ticketCount();
    const garbage = await smtpRefusal(
      smtpSend(port, Buffer.from('\x00\x01\x02 this is not a mail message at all'), { from: 'x@example.com', to: ['support@acme.test'] }),
    );
    expect(garbage.code).toBe(550);
    expect(garbage.message).toMatch(/Rejected/);

    const noFrom = await smtpRefusal(
      smtpSend(port, 'To: support@acme.test\r\nSubject: who am I\r\nMessage-ID: <nofrom@x>\r\n\r\nhello\r\n', {
        from: 'x@example.com',
        to: ['support@acme.test'],
      }),
    );
    expect(noFrom).toMatchObject({ code: 550 });
    expect(noFrom.message).toMatch(/From/);

    const huge = await composeMail({
      from: 'dana@example.com',
      to: 'support@acme.test',
      subject: 'huge',
      text: 'see',
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(30 * 1024 * 1024, 3) }],
    });
    const tooBig = await smtpRefusal(smtpSend(port, huge, { from: 'dana@example.com', to: ['support@acme.test'] }));
    expect(tooBig.code).toBe(552);

    const stranger = await smtpRefusal(smtpSend(port, 'From: a@b.example\r\n\r\nx', { from: 'a@b.example', to: ['someone@else.example'] }));
    expect(stranger.code).toBe(550);

    expect(await ticketCount()).toBe(before);
    const subject = `Still serving ${uniq()}`;
    expect(await customerMail({ subject, text: 'ok?' })).toMatch(/Stored/);
    expect(await ticketBySubject(subject)).toBeTruthy();
  }, 60_000);
});
