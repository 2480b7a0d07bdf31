import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualClock } from '../lib/clock.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { FOLLOW_UP_GRACE_MS } from './ticket-store.ts';
import { followUpModel } from './ticket-follow-ups.ts';

// A process that dies right after a ticket write commits (here: fails at that point, as the
// fault hook lets a test do) has not yet handed the reply to the customer's channel nor queued
// the webhook event. Another process's follow-up sweep does both, once.

let a: TestServer;
let b: TestServer;
let crashNext = false;
const hooked: string[] = [];
let hookServer: http.Server;
let hookUrl = '';

beforeAll(async () => {
  hookServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooked.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks`;
  a = await startTestServer({
    config: { webhooksAllowLocalhost: true },
    faults: {
      ticketAfterCommit: () => {
        if (!crashNext) return;
        crashNext = false;
        throw new Error('the process died here');
      },
    },
  });
  // The second process of the same installation, with its own clock, sending to the same mail server.
  b = await startTestServer({ dbName: a.dbName, catcher: a.mail!, clock: manualClock(a.clock.now()), config: { webhooksAllowLocalhost: true } });
  for (const s of [a, b]) {
    s.services.webhooks.manualSending();
    s.services.channels.outbox.stop();
  }
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
  await new Promise((r) => hookServer.close(r));
});

it('a reply committed by a process that died before delivering it reaches the customer and the webhook after the sweep of another process, once', async () => {
  const admin = await a.createAgent('Ada Admin', 'admin');
  const hook = await a.api('/api/admin/webhooks', { cookie: admin.cookie, body: { url: hookUrl, events: ['ticket.updated'] } });
  expect(hook.status).toBe(201);
  const created = await a.api('/api/tickets', {
    cookie: admin.cookie,
    body: { requesterEmail: 'dana@example.com', subject: 'Refund', message: 'Where is my refund?', priority: 'low', category: 'billing' },
  });
  expect(created.status).toBe(201);
  const number = created.body.number as number;
  await a.services.tickets.store.sweepFollowUps();

  crashNext = true;
  const replied = await a.api(`/api/tickets/${number}/replies`, { cookie: admin.cookie, body: { text: 'Your refund is on its way.' } });
  expect(replied.status).toBe(500);
  // The reply is in the ticket's history (the write committed) but nothing went out.
  const detail = await b.api(`/api/tickets/${number}`, { cookie: admin.cookie });
  expect(detail.body.events.some((e: { type: string; text?: string }) => e.type === 'reply' && e.text === 'Your refund is on its way.')).toBe(true);
  const FollowUp = followUpModel(b.conn);
  expect(await FollowUp.countDocuments()).toBe(1);
  await b.services.channels.outbox.runDue();
  await b.services.webhooks.runDue();
  expect(a.mail!.mails.filter((m) => String(m.parsed.text).includes('Your refund is on its way.'))).toHaveLength(0);
  expect(hooked).toHaveLength(0);

  // Within the grace period the writer may still be finishing: the sweep leaves it be.
  expect(await b.services.tickets.store.sweepFollowUps()).toBe(0);
  b.clock.advance(FOLLOW_UP_GRACE_MS + 1000);
  expect(await b.services.tickets.store.sweepFollowUps()).toBe(1);
  expect(await FollowUp.countDocuments()).toBe(0);
  await b.services.channels.outbox.runDue();
  await b.services.webhooks.runDue();
  const mail = await a.mail!.waitFor((m) => String(m.parsed.text).includes('Your refund is on its way.'), 20_000);
  expect(mail.parsed.subject).toBe(`[#${number}] Refund`);
  expect(hooked).toHaveLength(1);
  const event = JSON.parse(hooked[0]!);
  expect(event).toMatchObject({ type: 'ticket.updated', data: { ticket: { number } } });

  // Nothing is owed any more: another sweep and send pass send nothing again.
  expect(await b.services.tickets.store.sweepFollowUps()).toBe(0);
  await b.services.channels.outbox.runDue();
  await b.services.webhooks.runDue();
  expect(a.mail!.mails.filter((m) => String(m.parsed.text).includes('Your refund is on its way.'))).toHaveLength(1);
  expect(hooked).toHaveLength(1);
});

it('a write that never committed leaves a note the sweep drops, and a normal write leaves none', async () => {
  const FollowUp = followUpModel(b.conn);
  const admin = await a.createAgent('Bo Admin', 'admin');
  const created = await a.api('/api/tickets', {
    cookie: admin.cookie,
    body: { requesterEmail: 'eve@example.com', subject: 'Login', message: 'I cannot sign in', priority: 'low', category: 'general' },
  });
  expect(created.status).toBe(201);
  expect(await a.api(`/api/tickets/${created.body.number}/notes`, { cookie: admin.cookie, body: { text: 'Checking the logs' } })).toMatchObject({
    status: 201,
  });
  expect(await FollowUp.countDocuments()).toBe(0);
  // As a writer that died between noting its write and committing it leaves things.
  const t = await b.services.tickets.store.findByNumber(created.body.number);
  await FollowUp.create({ _id: `${t._id}:${t.eventCount + 1}`, ticketId: t._id, from: t.eventCount + 1, to: t.eventCount + 1, at: b.clock.now() });
  b.clock.advance(FOLLOW_UP_GRACE_MS + 1000);
  expect(await b.services.tickets.store.sweepFollowUps()).toBe(0);
  expect(await FollowUp.countDocuments()).toBe(0);
});
