import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequestDto, MessageDto } from '@kamflo/shared';
import { ask, cid, next, startTestServer, type AgentSocket, type TestServer } from '../../test/harness.ts';
import { startFakeTelegram, type FakeTelegram } from '../../test/fake-telegram.ts';
import * as fx from './fixtures.ts';

const TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const bot = { id: 7000000001, first_name: 'Acme Support', username: 'acme_support_bot' };

let tg: FakeTelegram;
let s: TestServer;
beforeAll(async () => {
  tg = await startFakeTelegram();
});
afterAll(async () => {
  await tg.close();
});
beforeEach(async () => {
  tg.calls.length = 0;
  tg.addBot(TOKEN, bot);
  s = await startTestServer({ config: { telegramApiUrl: tg.url, publicUrl: 'https://support.acme.test' } });
});
afterEach(async () => {
  await s.close();
});

async function connected() {
  const admin = await s.createAgent('Root', 'admin');
  const res = await s.api('/api/admin/channels/telegram', { cookie: admin.cookie, body: { site: 'default', botToken: TOKEN } });
  expect(res.status).toBe(201);
  const setWebhook = tg.calls.find((c) => c.method === 'setWebhook')!;
  return { admin, connection: res.body, secret: String(setWebhook.params.secret_token), path: new URL(res.body.webhookUrl).pathname };
}

/** Telegram's POST of one update, with the secret token it was given (or another). */
const deliver = (path: string, update: unknown, secret?: string) =>
  s.api(path, { body: update, ...(secret !== undefined ? { headers: { 'x-telegram-bot-api-secret-token': secret } } : {}) });

/** The webhook answers first and processes after: wait until the inbound message is stored. */
async function stored(n: number) {
  for (let i = 0; i < 200; i++) {
    if ((await s.services.telegram.Inbound.countDocuments({ state: 'stored' })) >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} inbound messages were stored`);
}

const conversationOf = async () => (await s.services.conversations.Conversation.findOne({ visitorId: `telegram:${fx.customer.id}` }).lean())!;
const messagesOf = async (conversationId: unknown) => s.services.conversations.Message.find({ conversationId }).sort({ seq: 1 }).lean();

describe('connecting a bot', () => {
  it('checks the token with getMe, sets the webhook with a secret token, and never shows the token or the secret', async () => {
    const { admin, connection, secret } = await connected();
    expect(connection).toMatchObject({ channel: 'telegram', site: 'default', account: { id: String(bot.id), username: 'acme_support_bot' } });
    expect(connection.webhookUrl).toBe(`https://support.acme.test/api/channels/telegram/${connection.id}/webhook`);
    const setWebhook = tg.calls.find((c) => c.method === 'setWebhook')!;
    expect(setWebhook).toMatchObject({ token: TOKEN, params: { url: connection.webhookUrl, allowed_updates: ['message', 'edited_message'] } });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    const listed = await s.api('/api/admin/channels', { cookie: admin.cookie });
    for (const body of [JSON.stringify(connection), JSON.stringify(listed.body)]) {
      expect(body).not.toContain(TOKEN.split(':')[1]);
      expect(body).not.toContain(secret);
    }
    expect(listed.body).toHaveLength(1);
  });

  it('refuses a token Telegram does not know (nothing stored, the token not repeated) and agents who are not admins', async () => {
    const admin = await s.createAgent('Root', 'admin');
    const bad = await s.api('/api/admin/channels/telegram', {
      cookie: admin.cookie,
      body: { site: 'default', botToken: '7000000002:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Telegram refused this bot token (Telegram answered 401: Unauthorized)');
    expect(bad.body.error.message).not.toContain('AAAAAAAA');
    expect((await s.api('/api/admin/channels', { cookie: admin.cookie })).body).toEqual([]);
    const malformed = await s.api('/api/admin/channels/telegram', { cookie: admin.cookie, body: { site: 'default', botToken: 'not a token' } });
    expect(malformed.status).toBe(400);
    const agent = await s.createAgent('Alice');
    expect((await s.api('/api/admin/channels/telegram', { cookie: agent.cookie, body: { site: 'default', botToken: TOKEN } })).status).toBe(403);
    expect((await s.api('/api/admin/channels', { cookie: agent.cookie })).status).toBe(403);
  });

  it('disconnecting calls deleteWebhook and forgets the bot: its webhook is refused from then on', async () => {
    const { admin, connection, secret, path } = await connected();
    expect((await s.api(`/api/admin/channels/${connection.id}`, { method: 'DELETE', cookie: admin.cookie })).body).toEqual({ ok: true });
    expect(tg.calls.at(-1)).toMatchObject({ method: 'deleteWebhook', token: TOKEN });
    expect((await deliver(path, fx.textUpdate(1, 'hi'), secret)).status).toBe(401);
  });
});

describe('the webhook', () => {
  it('a missing or wrong secret token is 401 and nothing is stored', async () => {
    const { path, secret } = await connected();
    expect((await deliver(path, fx.textUpdate(1, 'hi'))).status).toBe(401);
    expect((await deliver(path, fx.textUpdate(1, 'hi'), `${secret}x`)).status).toBe(401);
    expect((await deliver(path, fx.textUpdate(1, 'hi'), '')).status).toBe(401);
    expect((await deliver('/api/channels/telegram/0123456789abcdef01234567/webhook', fx.textUpdate(1, 'hi'), secret)).status).toBe(401);
    expect(await s.services.telegram.Inbound.countDocuments()).toBe(0);
    expect(await s.services.conversations.Conversation.countDocuments()).toBe(0);
    // With the secret, a body that is no update is a 400; an update without a message is acknowledged and left alone.
    expect((await deliver(path, { hello: 1 }, secret)).status).toBe(400);
    expect((await deliver(path, fx.myChatMemberUpdate(), secret)).status).toBe(200);
    expect(await s.services.telegram.Inbound.countDocuments()).toBe(0);
  });

  it('a message becomes a conversation of channel telegram, offered like a live chat; a retried update is stored once', async () => {
    const { path, secret } = await connected();
    const alice = await s.createAgent('Alice');
    const agent = await s.agentSocket(alice.cookie);
    const offer = next(agent, 'chat:requests', 5000, (r: ChatRequestDto[]) => r.some((x) => x.state === 'offered'));
    const update = fx.textUpdate(10, 'My order #88 never arrived');
    expect(await deliver(path, update, secret)).toMatchObject({ status: 200, body: { ok: true } });
    // Telegram retries when it gets no answer in time: the same update again.
    expect((await deliver(path, update, secret)).status).toBe(200);
    const [request] = await offer;
    expect(request).toMatchObject({ visitorName: 'Ana Silva', firstMessage: 'My order #88 never arrived', channel: 'telegram' });
    await stored(1);
    expect(await s.services.telegram.Inbound.countDocuments()).toBe(1);

    const accepted = await ask(agent, 'chat:accept', { conversationId: request!.conversationId });
    expect(accepted).toMatchObject({ ok: true, data: { channel: 'telegram', handle: '@ana_s', visitorName: 'Ana Silva' } });
    const conv = await conversationOf();
    expect(conv).toMatchObject({ channel: 'telegram', site: 'default', status: 'active' });
    expect((await messagesOf(conv._id)).filter((m) => m.author === 'visitor').map((m) => m.text)).toEqual(['My order #88 never arrived']);
  });

  it('photos, documents, voice and locations become attachments with a description; an edit and an unknown kind say what they are', async () => {
    const { path, secret } = await connected();
    const updates = [
      fx.photoUpdate(20, 'The box was crushed'),
      fx.documentUpdate(21),
      fx.voiceUpdate(22),
      fx.locationUpdate(23),
      fx.editedUpdate(20, 'The box was crushed, see photo'),
      fx.pollUpdate(24),
    ];
    for (const u of updates) expect((await deliver(path, u, secret)).status).toBe(200);
    await stored(updates.length);
    const messages = await messagesOf((await conversationOf())._id);
    expect(messages.map((m) => m.text)).toEqual([
      '[Photo 1280×960, 91 KB]\nThe box was crushed',
      '[Document: invoice-2291.pdf (application/pdf), 47 KB]\nThis is the invoice',
      '[Voice message, 0:07]',
      '[Location: 38.722252, -9.139337]',
      '(edited) The box was crushed, see photo',
      '[The customer sent a poll that Kamflo does not show. Ask them to describe it in words.]',
    ]);
    expect(messages[0]!.attachments).toEqual([{ kind: 'photo', fileId: 'AgACAgQAAxkBAAIBlarge', width: 1280, height: 960, size: 93_412 }]);
    expect(messages[3]!.attachments).toEqual([{ kind: 'location', latitude: 38.722252, longitude: -9.139337 }]);

    // An agent downloads the document through Kamflo (getFile, then the file), never inline.
    tg.addFile('BQACAgQAAxkBAAIBdoc', 'documents/file_7.pdf', Buffer.from('%PDF-1.4 test'));
    const alice = await s.createAgent('Alice');
    const sync = await ask(await s.agentSocket(alice.cookie), 'chat:sync', { conversationId: String(messages[1]!.conversationId) });
    const doc = (sync as any).data.messages[1] as MessageDto;
    expect(doc.attachments).toEqual([
      { kind: 'document', name: 'invoice-2291.pdf', type: 'application/pdf', size: 48_213, url: `/api/channels/files/${messages[1]!._id}/0` },
    ]);
    const res = await fetch(s.url + doc.attachments![0]!.url!, { headers: { cookie: alice.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment; filename="invoice-2291.pdf"');
    expect(await res.text()).toBe('%PDF-1.4 test');
    expect((await fetch(s.url + doc.attachments![0]!.url!)).status).toBe(401);
  });
});

describe('secrets', () => {
  it('neither the bot token nor the webhook secret is ever logged, through connecting, webhooks, failed sends and disconnecting', async () => {
    await s.close();
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    s = await startTestServer({ log, config: { telegramApiUrl: tg.url, publicUrl: 'https://support.acme.test' } });
    const { admin, connection, secret, path } = await connected();
    const alice = await s.createAgent('Alice');
    const agent = await s.agentSocket(alice.cookie);
    const offer = next(agent, 'chat:requests', 5000, (r: ChatRequestDto[]) => r.some((x) => x.state === 'offered'));
    await deliver(path, fx.textUpdate(40, 'hello'), 'wrong');
    await deliver(path, fx.textUpdate(40, 'hello'), secret);
    await deliver(path, fx.myChatMemberUpdate(), secret);
    const [request] = await offer;
    await ask(agent, 'chat:accept', { conversationId: request!.conversationId });
    const conv = await conversationOf();
    tg.queue('sendMessage', tg.tooManyRequests(3), tg.fail(500, 'Internal Server Error'));
    const failed = next(agent, 'chat:message', 5000, (m: MessageDto) => m.text === 'ping' && m.social?.state === 'retrying');
    await ask(agent, 'chat:message', { conversationId: String(conv._id), clientId: cid(), text: 'ping' });
    await failed;
    tg.revoke(TOKEN);
    await s.api(`/api/admin/channels/${connection.id}`, { method: 'DELETE', cookie: admin.cookie });
    tg.addBot(TOKEN, bot);
    const all = lines.join('');
    expect(all).toContain('telegram: bot connected');
    expect(all).toContain('deleteWebhook failed');
    expect(all).not.toContain(TOKEN.split(':')[1]);
    expect(all).not.toContain(secret);
  });
});

describe('after a crash', () => {
  it('a message acknowledged but never processed (the process died after the 200) is processed by the sweep, once', async () => {
    const { connection } = await connected();
    const { Types } = await import('mongoose');
    const now = s.clock.now();
    await s.services.telegram.Inbound.create({
      _id: `telegram:${connection.id}:${fx.customer.id}:77`,
      channel: 'telegram',
      connectionId: new Types.ObjectId(connection.id),
      state: 'received',
      chatId: String(fx.customer.id),
      name: 'Ana Silva',
      handle: '@ana_s',
      text: 'Are you there?',
      attachments: [],
      sentAt: now,
      receivedAt: now,
      attempts: 0,
    });
    expect(await s.services.telegram.processPending()).toBe(0); // still fresh: its own processing may be running
    s.clock.advance(31_000);
    expect(await s.services.telegram.processPending()).toBe(1);
    expect(await s.services.telegram.processPending()).toBe(0);
    const conv = await conversationOf();
    expect((await messagesOf(conv._id)).map((m) => m.text)).toEqual(['Are you there?']);
  });
});

describe('answers go back through sendMessage', () => {
  async function liveChat() {
    const c = await connected();
    const alice = await s.createAgent('Alice');
    const agent = await s.agentSocket(alice.cookie);
    const offer = next(agent, 'chat:requests', 5000, (r: ChatRequestDto[]) => r.some((x) => x.state === 'offered'));
    await deliver(c.path, fx.textUpdate(30, 'Where is my refund?'), c.secret);
    const [request] = await offer;
    await ask(agent, 'chat:accept', { conversationId: request!.conversationId });
    // "Alice joined the chat" goes to Telegram too: wait for it, so queued answers are for what the test sends.
    for (let i = 0; i < 200 && !tg.sent().length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tg.sent().map((x) => x.params.text)).toEqual(['Alice joined the chat']);
    return { ...c, alice, agent, conversationId: request!.conversationId };
  }
  const chatId = String(fx.customer.id);
  const sentState = (agent: AgentSocket, text: string, state: string) =>
    next(agent, 'chat:message', 5000, (m: MessageDto) => m.text === text && m.social?.state === state);

  it("an agent's message is sent to the customer's chat and shows Sent; Telegram has no delivered or read receipts", async () => {
    const { agent, conversationId } = await liveChat();
    const sent = sentState(agent, 'Hi Ana, checking now', 'sent');
    await ask(agent, 'chat:message', { conversationId, clientId: cid(), text: 'Hi Ana, checking now' });
    expect((await sent).social).toEqual({ channel: 'telegram', state: 'sent', attempts: 1 });
    expect(tg.sent(chatId).map((c) => c.params.text)).toEqual(['Alice joined the chat', 'Hi Ana, checking now']);
  });

  it('a 429 waits the retry_after Telegram gave, then sends; a refusal (the bot was blocked) fails and says why', async () => {
    const { agent, alice, conversationId } = await liveChat();
    tg.queue('sendMessage', tg.tooManyRequests(7));
    const retrying = sentState(agent, 'One moment', 'retrying');
    await ask(agent, 'chat:message', { conversationId, clientId: cid(), text: 'One moment' });
    const r = (await retrying).social!;
    expect(r.error).toBe('Telegram answered 429: Too Many Requests: retry after 7');
    expect(Date.parse(r.nextAttemptAt!) - s.clock.now().getTime()).toBe(7000);
    expect(await s.services.channels.outbox.runDue()).toBe(0); // not due yet
    s.clock.advance(7000);
    const sent = sentState(agent, 'One moment', 'sent');
    expect(await s.services.channels.outbox.runDue()).toBe(1);
    expect((await sent).social).toMatchObject({ state: 'sent', attempts: 2 });
    expect(tg.sent(chatId).filter((c) => c.params.text === 'One moment')).toHaveLength(2);

    tg.queue('sendMessage', tg.fail(403, 'Forbidden: bot was blocked by the user'));
    const failed = sentState(agent, 'Still there?', 'failed');
    await ask(agent, 'chat:message', { conversationId, clientId: cid(), text: 'Still there?' });
    const failedMessage = await failed;
    expect(failedMessage.social).toMatchObject({ state: 'failed', error: 'Telegram answered 403: Forbidden: bot was blocked by the user' });

    // The customer unblocked the bot: the agent's Retry sends it (another agent may not).
    const bob = await s.createAgent('Bob');
    expect((await s.api(`/api/channels/messages/${failedMessage.id}/retry`, { method: 'POST', cookie: bob.cookie })).status).toBe(403);
    const resent = sentState(agent, 'Still there?', 'sent');
    const retried = await s.api(`/api/channels/messages/${failedMessage.id}/retry`, { method: 'POST', cookie: alice.cookie });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ channel: 'telegram', state: 'queued', attempts: 0 });
    await resent;
    expect((await s.api(`/api/channels/messages/${failedMessage.id}/retry`, { method: 'POST', cookie: alice.cookie })).status).toBe(409);
  });

  it('converted into a ticket (source telegram, with the transcript), replies and the closing message go to Telegram', async () => {
    const { alice, agent, conversationId, path, secret } = await liveChat();
    await ask(agent, 'chat:message', { conversationId, clientId: cid(), text: 'Let me open a ticket' });
    const converted = await s.api(`/api/conversations/${conversationId}/ticket`, {
      cookie: alice.cookie,
      body: { subject: 'Refund missing', priority: 'high', category: 'billing' },
    });
    expect(converted.status).toBe(201);
    expect(converted.body).toMatchObject({ source: 'telegram', requester: { name: 'Ana Silva' } });
    const n = converted.body.number;
    const transcript = await s.api(`/api/tickets/${n}/transcript`, { cookie: alice.cookie });
    expect(transcript.body.items.map((m: MessageDto) => m.text)).toEqual(['Where is my refund?', 'Alice joined the chat', 'Let me open a ticket']);

    const detail = await s.api(`/api/tickets/${n}`, { cookie: alice.cookie });
    expect(detail.body.reach).toEqual({ telegram: { conversationId } });
    await s.api(`/api/tickets/${n}/replies`, { cookie: alice.cookie, body: { text: 'The refund was sent today' } });
    await s.services.channels.outbox.runDue();
    // The customer answers in Telegram: it joins the ticket.
    await deliver(path, fx.textUpdate(31, 'Thanks!'), secret);
    await stored(2);
    // The ticket records it after the message is stored: resolving before that would be re-opened by it.
    await expect
      .poll(async () => JSON.stringify((await s.api(`/api/tickets/${n}`, { cookie: alice.cookie })).body.events), { timeout: 20_000 })
      .toContain('Thanks!');
    await s.api(`/api/tickets/${n}/resolve`, { cookie: alice.cookie, body: { closingMessage: 'Glad to help. Closing this ticket.' } });
    await s.services.channels.outbox.runDue();
    expect(tg.sent(chatId).map((c) => c.params.text)).toEqual([
      'Alice joined the chat',
      'Let me open a ticket',
      `Your request is now ticket #${n}. We'll reply here.`,
      'The refund was sent today',
      'Glad to help. Closing this ticket.',
    ]);
    const after = await s.api(`/api/tickets/${n}`, { cookie: alice.cookie });
    expect(after.body.status).toBe('resolved');
    expect(after.body.deliveries.filter((d: any) => d.channel === 'telegram').map((d: any) => d.state)).toEqual(['sent', 'sent']);
    expect(JSON.stringify(after.body)).toContain('Thanks!');
  });
});
