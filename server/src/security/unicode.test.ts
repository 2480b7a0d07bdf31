import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, cid, startTestServer, type TestServer } from '../test/harness.ts';
import { conversationModel, openClaimModel } from '../chats/conversation.model.ts';
import { messageModel } from '../chats/message.model.ts';
import { ticketEventModel, ticketModel, ticketTranscriptModel } from '../tickets/ticket.model.ts';

// Attack class: text the database cannot store. PostgreSQL under FerretDB refuses U+0000 in
// jsonb ("unsupported Unicode escape sequence", which answered 500 and could leave a
// conversation claim behind), and a lone UTF-16 surrogate is not valid UTF-8 (the driver
// silently stores U+FFFD, so the acknowledged text differed from the stored one). The shared
// schemas now normalise prose and refuse control characters in names: every edge answers 4xx
// or an error ack naming the field, or stores exactly what it acknowledged; nothing is half-stored.

const NUL = 'before\u0000after';
const LONE = 'half \uD83D pair and \uDE00 other half';
const CONTROLS = 'bell\u0007 escape\u001b[31m red\u001b[0m del\u007f c1\u0085 tab\tnew\nline';
const ONLY_CONTROLS = '\u0000\u0001\u0002';

/** What the shared schemas make of those: the text stored and acknowledged. */
const CLEAN = {
  [NUL]: 'beforeafter',
  [LONE]: 'half \uFFFD pair and \uFFFD other half',
  [CONTROLS]: 'bell escape[31m red[0m del c1 tab\tnew\nline',
};

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const Message = () => messageModel(s.conn);
const storedTexts = async (conversationId: string) =>
  (
    await Message()
      .find({ conversationId: new Types.ObjectId(conversationId) })
      .sort({ seq: 1 })
      .lean()
  ).map((m) => m.text);

describe('odd Unicode and control characters', () => {
  it('chat:start and chat:message store exactly the normalised text they acknowledge', async () => {
    for (const [raw, clean] of Object.entries(CLEAN)) {
      const v = await s.visitor();
      const start = (await ask(v.socket, 'chat:start', { clientId: cid(), text: raw, page: `https://shop.example/\u0000${raw}` })) as any;
      expect(start.ok, JSON.stringify(raw)).toBe(true);
      expect(start.data.message.text).toBe(clean);
      const conversationId = start.data.conversation.id;
      const msg = (await ask(v.socket, 'chat:message', { conversationId, clientId: cid(), text: raw })) as any;
      expect(msg).toMatchObject({ ok: true, data: { text: clean } });
      expect(await storedTexts(conversationId)).toEqual([clean, clean]);
      const conv = await conversationModel(s.conn).findById(conversationId).lean();
      expect(conv!.firstMessage).toBe(clean);
      expect(conv!.page).not.toContain('\u0000');
    }
  });

  it('a name with control characters or line breaks is refused naming the field, and nothing is stored: no conversation, claim or message', async () => {
    for (const name of ['Mal\u0000lory', 'Two\nLines', 'Bell\u0007']) {
      const v = await s.visitor();
      const res = await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hello', name });
      expect(res).toMatchObject({ ok: false, error: { code: 'bad_request', issues: [{ path: 'name' }] } });
      expect(await conversationModel(s.conn).countDocuments({ visitorId: v.visitorId })).toBe(0);
      expect(await openClaimModel(s.conn).countDocuments({ _id: `default:${v.visitorId}` })).toBe(0);
    }
    const v = await s.visitor();
    const empty = await ask(v.socket, 'chat:start', { clientId: cid(), text: ONLY_CONTROLS });
    expect(empty).toMatchObject({ ok: false, error: { code: 'bad_request', issues: [{ path: 'text', message: 'must not be empty' }] } });
    expect(await conversationModel(s.conn).countDocuments({ visitorId: v.visitorId })).toBe(0);
  });

  it('the agent’s chat:message, a ticket’s customer message, replies and notes', async () => {
    const ann = await s.createAgent('Ann');
    const console = await s.agentSocket(ann.cookie);
    const v = await s.visitor();
    const start = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hi' })) as any;
    const conversationId = start.data.conversation.id;
    expect(await ask(console, 'chat:take', { conversationId })).toMatchObject({ ok: true });
    for (const [raw, clean] of Object.entries(CLEAN)) {
      expect(await ask(console, 'chat:message', { conversationId, clientId: cid(), text: raw })).toMatchObject({ ok: true, data: { text: clean } });
    }
    expect(await ask(console, 'chat:message', { conversationId, clientId: cid(), text: ONLY_CONTROLS })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });

    const ticket = await s.api(`/api/conversations/${conversationId}/ticket`, {
      cookie: ann.cookie,
      body: { subject: `Line one\nline two\u0000`, priority: 'medium', category: 'general' },
    });
    expect(ticket.status).toBe(201);
    expect(ticket.body.subject).toBe('Line one line two');
    const number = ticket.body.number;

    // The customer writes on the ticket's conversation: recorded on the ticket too.
    for (const raw of Object.keys(CLEAN)) expect((await ask(v.socket, 'chat:message', { conversationId, clientId: cid(), text: raw })).ok).toBe(true);
    for (const path of ['replies', 'notes']) {
      for (const [raw, clean] of Object.entries(CLEAN)) {
        const res = await s.api(`/api/tickets/${number}/${path}`, { cookie: ann.cookie, body: { text: raw } });
        expect(res.status, `${path} ${JSON.stringify(raw)}`).toBe(201);
        const type = path === 'replies' ? 'reply' : 'note';
        expect(res.body.events.filter((e: { type: string }) => e.type === type).at(-1).text).toBe(clean);
      }
      expect((await s.api(`/api/tickets/${number}/${path}`, { cookie: ann.cookie, body: { text: ONLY_CONTROLS } })).status).toBe(400);
    }
    // The ticket hears of each message after its acknowledgement: wait until it has all three.
    const customerMessages = async () =>
      ((await s.api(`/api/tickets/${number}`, { cookie: ann.cookie })).body.events as { type: string }[]).filter((e) => e.type === 'customer_message').length;
    await expect.poll(customerMessages).toBe(Object.keys(CLEAN).length);
    const events = (await s.api(`/api/tickets/${number}`, { cookie: ann.cookie })).body.events as { type: string; text?: string }[];
    expect(events.filter((e) => e.type === 'customer_message').map((e) => e.text)).toEqual(Object.values(CLEAN));
    expect(JSON.stringify(events)).not.toMatch(/\\u0000/);
  });

  it('the Help Center request: prose normalised, a bad name refused naming it, no ticket half-made', async () => {
    const before = await ticketModel(s.conn).countDocuments({});
    const ok = await s.api('/api/helpcenter/requests', { body: { name: 'Mia', email: 'mia@example.com', subject: `Sub\u0000ject\n`, message: NUL } });
    expect(ok.status).toBe(201);
    const t = await ticketModel(s.conn).findOne({ number: ok.body.ticketNumber }).lean();
    expect(t!.subject).toBe('Subject');
    expect((await ticketEventModel(s.conn).findOne({ ticketId: t!._id, seq: 1 }).lean())!.text).toBe('beforeafter');

    const bad = await s.api('/api/helpcenter/requests', { body: { name: 'M\u0000ia', email: 'mia\u0000@example.com', subject: 'x', message: 'y' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'name']);
    expect(await ticketModel(s.conn).countDocuments({})).toBe(before + 1);
  });

  it('leave-a-message: normalised, or refused with nothing stored (no conversation without its ticket)', async () => {
    const v = await s.visitor();
    const bad = await ask(v.socket, 'chat:leave-message', { email: 'a@example.com', text: 'call me', name: 'Ev\u0000e' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request', issues: [{ path: 'name' }] } });
    expect(await conversationModel(s.conn).countDocuments({ visitorId: v.visitorId })).toBe(0);
    expect(await ticketModel(s.conn).countDocuments({ visitorId: v.visitorId })).toBe(0);

    const ok = (await ask(v.socket, 'chat:leave-message', { email: 'a@example.com', text: LONE })) as any;
    expect(ok.ok).toBe(true);
    const t = await ticketModel(s.conn).findOne({ number: ok.data.ticketNumber }).lean();
    expect((await ticketTranscriptModel(s.conn).find({ ticketId: t!._id }).lean()).map((l) => l.text)).toEqual([CLEAN[LONE]]);
  });

  it('agent-side inputs: sign-in, a new ticket, escalation; never a 5xx', async () => {
    const ann = await s.createAgent('Ann Two');
    expect((await s.api('/api/auth/sign-in', { body: { email: 'a\u0000@example.com', password: 'x' } })).status).toBe(400);
    const bad = await s.api('/api/tickets', {
      cookie: ann.cookie,
      body: { requesterEmail: 'c@example.com', requesterName: 'C\u0000', subject: 's', message: 'm', priority: 'low', category: 'general' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([{ path: 'requesterName', message: expect.any(String) }]);
    const created = await s.api('/api/tickets', {
      cookie: ann.cookie,
      body: { requesterEmail: 'c@example.com', subject: 'Sub\u0000', message: CONTROLS, priority: 'low', category: 'general' },
    });
    expect(created.status).toBe(201);
    const number = created.body.number;
    const escalated = await s.api(`/api/tickets/${number}/escalate`, {
      cookie: ann.cookie,
      body: {
        tried: NUL,
        customerContext: LONE,
        nextStep: 'investigate',
        nextStepDetails: CONTROLS,
        priority: 'high',
        category: 'technical',
        customerUpdate: NUL,
      },
    });
    expect(escalated.status).toBe(200);
    expect(JSON.stringify(escalated.body)).not.toMatch(/\\u0000|\\ud83d/i);
  });
});
