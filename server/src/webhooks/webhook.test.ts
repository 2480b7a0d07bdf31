import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webcrypto } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDeliveryDto } from '@kamflo/shared';
import { ask, startTestServer, type TestServer } from '../test/harness.ts';
import { createClaims } from '../db/claims.ts';
import { silentLogger } from '../lib/logger.ts';
import { createWebhooks, FIRST_RETRY_MS } from './webhook.service.ts';

/** A receiving endpoint: records each request and answers with the next status of `statuses` (then 200). */
async function startReceiver(statuses: number[] = []) {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/kamflo`;
  return { url, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** An implementation of the signature check written apart from the server's: WebCrypto, as a receiver might. */
async function verifySignature(header: string, body: string, secret: string): Promise<number | null> {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  if (!parts.t || !parts.v1) return null;
  const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${parts.t}.${body}`)));
  const hex = Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
  return hex === parts.v1 ? Number(parts.t) : null;
}

let s: TestServer;
let admin: Awaited<ReturnType<TestServer['createAgent']>>;
let agent: Awaited<ReturnType<TestServer['createAgent']>>;
const receivers: Receiver[] = [];
beforeAll(async () => {
  // Email on (the default): resolving needs a channel that reaches the customer.
  s = await startTestServer({ config: { webhooksAllowLocalhost: true } });
  s.services.webhooks.manualSending();
  [admin, agent] = await Promise.all([s.createAgent('Ada Admin', 'admin'), s.createAgent('Al Agent')]);
}, 60_000);
afterEach(async () => {
  // Each test starts with no webhooks, so others' events reach none of its receivers.
  for (const w of (await s.api('/api/admin/webhooks', { cookie: admin.cookie })).body)
    await s.api(`/api/admin/webhooks/${w.id}`, { method: 'DELETE', cookie: admin.cookie });
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await s.close();
});

async function receiver(statuses: number[] = []) {
  const r = await startReceiver(statuses);
  receivers.push(r);
  return r;
}
async function register(url: string, events: string[]) {
  const res = await s.api('/api/admin/webhooks', { cookie: admin.cookie, body: { url, events } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { webhook: { id: string }; secret: string };
}
const newTicket = { requesterEmail: 'c@example.com', subject: 'Invoice', message: 'Where is it?', priority: 'low', category: 'general' };
async function openTicket(): Promise<number> {
  const res = await s.api('/api/tickets', { cookie: agent.cookie, body: newTicket });
  expect(res.status).toBe(201);
  return res.body.number;
}
/** Everything emitted is queued, then one pass of the sender. */
async function sweep() {
  await s.services.webhooks.idle();
  return s.services.webhooks.runDue();
}
const deliveriesOf = async (id: string): Promise<WebhookDeliveryDto[]> => (await s.api(`/api/admin/webhooks/${id}/deliveries`, { cookie: admin.cookie })).body;

describe('registering webhooks', () => {
  it('is for admins; the secret is shown once; bad input is 400 with the field', async () => {
    const body = { url: 'https://crm.example/hooks', events: ['ticket.created'] };
    expect((await s.api('/api/admin/webhooks', { body })).status).toBe(401);
    expect((await s.api('/api/admin/webhooks', { cookie: agent.cookie, body })).status).toBe(403);
    const created = await s.api('/api/admin/webhooks', { cookie: admin.cookie, body });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.webhook).toMatchObject({ url: 'https://crm.example/hooks', events: ['ticket.created'] });
    const list = await s.api('/api/admin/webhooks', { cookie: admin.cookie });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const bad = async (b: unknown) => {
      const res = await s.api('/api/admin/webhooks', { cookie: admin.cookie, body: b });
      expect(res.status, JSON.stringify(b)).toBe(400);
      return res.body.error.issues.map((i: { path: string }) => i.path);
    };
    expect(await bad({ url: 'http://crm.example/hooks', events: ['ticket.created'] })).toEqual(['url']);
    expect(await bad({ url: 'ftp://crm.example/hooks', events: ['ticket.created'] })).toEqual(['url']);
    expect(await bad({ url: 'https://user:pw@crm.example/', events: ['ticket.created'] })).toEqual(['url']);
    expect(await bad({ url: 'not a url', events: ['ticket.created'] })).toEqual(['url']);
    expect(await bad({ url: 'https://crm.example/', events: [] })).toEqual(['events']);
    expect(await bad({ url: 'https://crm.example/', events: ['ticket.deleted'] })).toEqual(['events.0']);
    expect(await bad({ url: 'https://crm.example/', events: ['ticket.created'], secret: 'mine' })).toEqual(['(input)']);
    expect((await s.api('/api/admin/webhooks/nope/deliveries', { cookie: admin.cookie })).status).toBe(400);
    expect((await s.api(`/api/admin/webhooks/${'0'.repeat(24)}/test`, { method: 'POST', cookie: admin.cookie })).status).toBe(404);
    expect((await s.api(`/api/admin/webhooks/${'0'.repeat(24)}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(404);
  });

  it('refuses http://localhost unless the server allows it', async () => {
    const strict = createWebhooks({ conn: s.conn, clock: s.clock, claims: createClaims(s.conn), log: silentLogger, allowLocalhost: false });
    await expect(strict.create({ url: 'http://127.0.0.1:9/x', events: ['ticket.created'] })).rejects.toThrow('url must be an https:// URL');
    const created = await s.api('/api/admin/webhooks', { cookie: admin.cookie, body: { url: 'http://localhost:9/x', events: ['chat.ended'] } });
    expect(created.status).toBe(201);
  });
});

describe('deliveries', () => {
  it('are signed over timestamp and body (checked by an implementation of its own), with a stable event id', async () => {
    const r = await receiver();
    const { webhook, secret } = await register(r.url, ['ticket.created']);
    const number = await openTicket();
    expect(await sweep()).toBe(1);
    expect(r.got).toHaveLength(1);
    const [req] = r.got;
    const t = await verifySignature(String(req!.headers['kamflo-signature']), req!.body, secret);
    expect(t).toBe(Math.floor(s.clock.now().getTime() / 1000));
    expect(await verifySignature(String(req!.headers['kamflo-signature']), req!.body.replace('Invoice', 'Invoicf'), secret)).toBeNull();
    expect(await verifySignature(String(req!.headers['kamflo-signature']), req!.body, 'whsec_wrong')).toBeNull();
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({ type: 'ticket.created', data: { ticket: { number, subject: 'Invoice' } } });
    expect(req!.headers['kamflo-event-id']).toBe(body.id);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(await deliveriesOf(webhook.id)).toMatchObject([{ eventId: body.id, event: 'ticket.created', state: 'sent', attempts: 1, responseStatus: 200 }]);
  });

  it('are retried with exponential backoff against an endpoint that fails twice, the same event each time', async () => {
    const r = await receiver([500, 503]);
    const { webhook, secret } = await register(r.url, ['ticket.created']);
    await openTicket();
    await sweep();
    expect(r.got).toHaveLength(1);
    let [d] = await deliveriesOf(webhook.id);
    expect(d).toMatchObject({ state: 'retrying', attempts: 1, responseStatus: 500, error: 'HTTP 500' });
    expect(Date.parse(d!.nextAttemptAt!)).toBe(s.clock.now().getTime() + FIRST_RETRY_MS);

    await sweep();
    expect(r.got).toHaveLength(1); // not due yet
    s.clock.advance(FIRST_RETRY_MS);
    await sweep();
    expect(r.got).toHaveLength(2);
    [d] = await deliveriesOf(webhook.id);
    expect(d).toMatchObject({ state: 'retrying', attempts: 2, responseStatus: 503 });
    expect(Date.parse(d!.nextAttemptAt!)).toBe(s.clock.now().getTime() + 4 * FIRST_RETRY_MS);

    s.clock.advance(4 * FIRST_RETRY_MS - 1);
    await sweep();
    expect(r.got).toHaveLength(2);
    s.clock.advance(1);
    await sweep();
    expect(r.got).toHaveLength(3);
    [d] = await deliveriesOf(webhook.id);
    expect(d).toMatchObject({ state: 'sent', attempts: 3, responseStatus: 200 });
    expect(d).not.toHaveProperty('error');
    expect(new Set(r.got.map((g) => g.headers['kamflo-event-id'])).size).toBe(1);
    expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
    for (const g of r.got) expect(await verifySignature(String(g.headers['kamflo-signature']), g.body, secret)).not.toBeNull();
  });

  it('an unreachable endpoint is retried too, with the reason in the log', async () => {
    const r = await receiver();
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const { webhook } = await register(r.url, ['ticket.created']);
    await openTicket();
    await sweep();
    const [d] = await deliveriesOf(webhook.id);
    expect(d).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(d!.error).toMatch(/^Could not connect/);
    expect(d).not.toHaveProperty('responseStatus');
  });

  it('an event is queued once per webhook, however many processes enqueue it at once, and sent once', async () => {
    const r = await receiver();
    const { webhook } = await register(r.url, ['ticket.updated']);
    const other = await startTestServer({ dbName: s.dbName, email: false, config: { webhooksAllowLocalhost: true } });
    try {
      other.services.webhooks.manualSending();
      const payload = { id: 'ticket.updated:same-event', type: 'ticket.updated' as const, createdAt: s.clock.now().toISOString(), data: {} };
      await Promise.all([
        s.services.webhooks.enqueue(payload),
        other.services.webhooks.enqueue(payload),
        s.services.webhooks.enqueue(payload),
        other.services.webhooks.enqueue(payload),
      ]);
      expect(await deliveriesOf(webhook.id)).toHaveLength(1);
      await Promise.all([s.services.webhooks.runDue(), other.services.webhooks.runDue()]);
      expect(r.got).toHaveLength(1);
      expect(JSON.parse(r.got[0]!.body).id).toBe('ticket.updated:same-event');
    } finally {
      await other.close();
    }
  }, 60_000);

  it('only subscribed events go to a webhook: ticket created, updated, resolved, re-opened', async () => {
    const r = await receiver();
    await register(r.url, ['ticket.updated', 'ticket.resolved', 'ticket.reopened']);
    const number = await openTicket();
    s.clock.advance(1000);
    expect((await s.api(`/api/tickets/${number}/notes`, { cookie: agent.cookie, body: { text: 'Checking' } })).status).toBe(201);
    s.clock.advance(1000);
    expect((await s.api(`/api/tickets/${number}/resolve`, { cookie: agent.cookie, body: { closingMessage: 'Sent it again.' } })).status).toBe(200);
    s.clock.advance(1000);
    expect((await s.api(`/api/tickets/${number}/status`, { cookie: agent.cookie, body: { to: 'open' } })).status).toBe(200);
    await sweep();
    const types = r.got.map((g) => JSON.parse(g.body)).map((b) => [b.type, b.data.ticket.number]);
    expect(types).toEqual([
      ['ticket.updated', number],
      ['ticket.resolved', number],
      ['ticket.reopened', number],
    ]);
  });

  it('chats: started, each message, ended', async () => {
    const r = await receiver();
    await register(r.url, ['chat.started', 'message.created', 'chat.ended']);
    const v = await s.visitor();
    const started = await ask(v.socket, 'chat:start', { clientId: 'client-000001', text: 'Hello there' });
    s.clock.advance(1000);
    expect(started.ok).toBe(true);
    const conversationId = (started as { data: { conversation: { id: string } } }).data.conversation.id;
    // A retried send is the same message: the same event.
    await ask(v.socket, 'chat:message', { conversationId, clientId: 'client-000002', text: 'Anyone?' });
    await ask(v.socket, 'chat:message', { conversationId, clientId: 'client-000002', text: 'Anyone?' });
    await ask(v.socket, 'chat:end', { conversationId });
    await sweep();
    // Events of the same moment may arrive in any order: receivers order by createdAt (or seq).
    const bodies = r.got.map((g) => JSON.parse(g.body));
    expect(bodies.map((b) => b.type).sort()).toEqual(['chat.ended', 'chat.started', 'message.created', 'message.created', 'message.created']);
    expect(
      bodies
        .map((b) => b.data.message?.text)
        .filter(Boolean)
        .sort(),
    ).toEqual(['Anyone?', 'Hello there', 'The visitor ended the chat']);
    expect(bodies.find((b) => b.type === 'chat.started').data.chat.id).toBe(conversationId);
    expect(bodies.find((b) => b.type === 'chat.ended').data.chat).toMatchObject({ id: conversationId, status: 'ended' });
    expect(new Set(bodies.map((b) => b.id)).size).toBe(bodies.length);
  });

  it('Send test pings the endpoint at once and logs the answer', async () => {
    const r = await receiver([500]);
    const { webhook } = await register(r.url, ['chat.ended']);
    const failed = await s.api(`/api/admin/webhooks/${webhook.id}/test`, { method: 'POST', cookie: admin.cookie });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ event: 'ping', state: 'retrying', attempts: 1, responseStatus: 500 });
    s.clock.advance(1000);
    const ok = await s.api(`/api/admin/webhooks/${webhook.id}/test`, { method: 'POST', cookie: admin.cookie });
    expect(ok.body).toMatchObject({ event: 'ping', state: 'sent', attempts: 1, responseStatus: 200 });
    expect(r.got.map((g) => JSON.parse(g.body).type)).toEqual(['ping', 'ping']);
    expect((await deliveriesOf(webhook.id)).map((d) => d.state)).toEqual(['sent', 'retrying']);
    expect((await s.api(`/api/admin/webhooks/${webhook.id}/test`, { method: 'POST', cookie: agent.cookie })).status).toBe(403);
  });

  it('removing a webhook removes its deliveries', async () => {
    const r = await receiver([500]);
    const { webhook } = await register(r.url, ['ticket.created']);
    await openTicket();
    await sweep();
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);
    expect((await s.api(`/api/admin/webhooks/${webhook.id}`, { method: 'DELETE', cookie: admin.cookie })).body).toEqual({ ok: true });
    expect((await s.api(`/api/admin/webhooks/${webhook.id}/deliveries`, { cookie: admin.cookie })).status).toBe(404);
    expect(await s.services.webhooks.WebhookDelivery.countDocuments({ webhookId: webhook.id })).toBe(0);
    s.clock.advance(FIRST_RETRY_MS);
    await sweep();
    expect(r.got).toHaveLength(1);
  });

  it('a delivery whose webhook is gone (queued from a stale list on another process) is dropped, not retried forever', async () => {
    const now = s.clock.now();
    const base = {
      eventId: 'orphan-event',
      event: 'ticket.created',
      body: '{}',
      state: 'queued',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await s.services.webhooks.WebhookDelivery.create({ ...base, webhookId: new Types.ObjectId() });
    await sweep();
    expect(await s.services.webhooks.WebhookDelivery.countDocuments({ eventId: 'orphan-event' })).toBe(0);
  });
});
