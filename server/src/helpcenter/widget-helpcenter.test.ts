import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HcDeflectionDto } from '@kamflo/shared';
import { manualClock } from '../lib/clock.ts';
import { ask, cid, startTestServer, type TestServer } from '../test/harness.ts';

// The widget's side of the Help Center: articles as JSON, "Was this helpful?", suggested reads
// and the deflection counts they feed.
const clock = manualClock(new Date('2026-03-02T10:00:00Z'));
let s: TestServer;
let writer: Awaited<ReturnType<TestServer['createAgent']>>;
let admin: Awaited<ReturnType<TestServer['createAgent']>>;
const ids: Record<string, string> = {};
const settings = { enabled: true, name: 'Acme Help', logoText: 'Acme', color: '#1f6feb', defaultLocale: 'en' };

async function article(key: string, title: string, body: string, publish = true) {
  const a = (await s.api('/api/helpcenter/articles', { cookie: writer.cookie, body: { title, body } })).body;
  ids[key] = a.id;
  if (publish) expect((await s.api(`/api/helpcenter/articles/${a.id}/publish`, { method: 'POST', cookie: admin.cookie })).status).toBe(200);
}
const newVisitor = async () => (await s.api<{ token: string; visitorId: string }>('/api/visitors', { body: {} })).body;
const read = (token: string | undefined, slug: string) => s.api('/api/helpcenter/suggested-reads', { token, body: { article: slug } });
const report = async (days = 30) => {
  const r = await s.api<HcDeflectionDto>(`/api/helpcenter/deflection?days=${days}`, { cookie: writer.cookie });
  expect(r.status).toBe(200);
  return r.body;
};
const request = (token: string | undefined) =>
  s.api('/api/helpcenter/requests', {
    token,
    body: { name: 'Vera', email: 'vera@example.com', subject: 'Refund', message: 'Still no refund', article: 'how-do-i-get-a-refund' },
  });

beforeAll(async () => {
  s = await startTestServer({ email: false, clock });
  [writer, admin] = await Promise.all([s.createAgent('Wendy Writer', 'agent'), s.createAgent('Ada Admin', 'admin')]);
}, 120_000);
afterAll(async () => {
  await s.close();
});

describe('the Help Center in the widget (server side)', () => {
  it('the widget status says whether the Help Center is on; articles and search are 404 while it is off', async () => {
    expect((await s.api('/api/widget/status')).body).toMatchObject({ helpCenter: false });
    await article('refund', 'How do I get a refund?', '# Refunds\n\nWrite to **billing**. <script>alert(1)</script><img src=x onerror=alert(1)>');
    expect((await s.api('/api/helpcenter/public/articles/how-do-i-get-a-refund')).status).toBe(404);
    expect((await s.api('/api/helpcenter/search?q=refund')).status).toBe(404);
    expect((await s.api('/api/helpcenter/settings', { method: 'PUT', cookie: admin.cookie, body: settings })).status).toBe(200);
    expect((await s.api('/api/widget/status')).body).toMatchObject({ helpCenter: true });
  });

  it('serves a published article as sanitized HTML; drafts, unknown slugs and bad input are refused', async () => {
    const r = await s.api('/api/helpcenter/public/articles/how-do-i-get-a-refund');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ slug: 'how-do-i-get-a-refund', title: 'How do I get a refund?', url: '/help/default/articles/how-do-i-get-a-refund' });
    expect(r.body.html).toContain('<strong>billing</strong>');
    expect(r.body.html).not.toMatch(/<script|onerror/);
    await article('secret', 'Secret plans', 'Not yet.', false);
    expect((await s.api('/api/helpcenter/public/articles/secret-plans')).status).toBe(404);
    expect((await s.api('/api/helpcenter/public/articles/no-such-article')).status).toBe(404);
    expect((await s.api('/api/helpcenter/public/articles/Bad%20Slug!')).status).toBe(400);
    expect((await s.api('/api/helpcenter/public/articles/how-do-i-get-a-refund?site=NOT%20A%20SITE')).status).toBe(400);
    // A renamed article answers under its old slug too, with its new one.
    await s.api(`/api/helpcenter/articles/${ids.refund}`, { method: 'PUT', cookie: writer.cookie, body: { slug: 'refunds' } });
    expect((await s.api('/api/helpcenter/public/articles/how-do-i-get-a-refund')).body).toMatchObject({ slug: 'refunds' });
  });

  it('counts "Was this helpful?" answers per article; bad answers are 400', async () => {
    const fb = (helpful: unknown, slug = 'refunds') => s.api(`/api/helpcenter/public/articles/${slug}/feedback`, { body: { helpful } });
    expect((await fb(true)).body).toEqual({ recorded: true });
    expect((await fb(true)).status).toBe(200);
    expect((await fb(false)).status).toBe(200);
    expect((await fb('yes')).status).toBe(400);
    expect((await s.api('/api/helpcenter/public/articles/refunds/feedback', { body: { helpful: true, extra: 1 } })).status).toBe(400);
    expect((await fb(true, 'secret-plans')).status).toBe(404);
    const detail = await s.api(`/api/helpcenter/articles/${ids.refund}`, { cookie: writer.cookie });
    expect(detail.body.feedback).toEqual({ yes: 2, no: 1 });
  });

  it('a suggested read needs a visitor token and a published article, and counts once per visitor and day', async () => {
    expect((await read(undefined, 'refunds')).status).toBe(401);
    const v = await newVisitor();
    expect((await read(v.token, 'secret-plans')).status).toBe(404);
    expect((await s.api('/api/helpcenter/suggested-reads', { token: v.token, body: { article: '../x' } })).status).toBe(400);
    expect((await s.api('/api/helpcenter/suggested-reads', { token: v.token, body: {} })).status).toBe(400);
    expect((await read(v.token, 'refunds')).body).toEqual({ counted: true });
    expect((await read(v.token, 'refunds')).body).toEqual({ counted: false });
    expect(await report()).toMatchObject({ read: 1, submitted: 0, deflected: 1 });
    // Agents only.
    expect((await s.api('/api/helpcenter/deflection')).status).toBe(401);
    expect((await s.api('/api/helpcenter/deflection?days=0', { cookie: writer.cookie })).status).toBe(400);
    expect((await s.api('/api/helpcenter/deflection?days=abc', { cookie: writer.cookie })).status).toBe(400);
  });

  it('a request or a chat after a suggested read counts as submitted; one without a read, or a day later, does not', async () => {
    const before = await report();
    // Read, then a request: submitted (once, however many requests follow).
    const asks = await newVisitor();
    await read(asks.token, 'refunds');
    expect((await request(asks.token)).status).toBe(201);
    expect((await request(asks.token)).status).toBe(201);
    // A request without a read, and one without a token, move nothing.
    expect((await request((await newVisitor()).token)).status).toBe(201);
    expect((await request(undefined)).status).toBe(201);
    expect(await report()).toEqual({ ...before, read: before.read + 1, submitted: before.submitted + 1 });

    // Read, then a chat: submitted too (counted after the chat's acknowledgement).
    const chats = await s.visitor();
    await read(chats.token, 'refunds');
    await ask(chats.socket, 'chat:start', { clientId: cid(), text: 'Where is my refund?' });
    for (let i = 0; i < 100 && (await report()).submitted < before.submitted + 2; i++) await new Promise((r) => setImmediate(r));
    expect(await report()).toMatchObject({ read: before.read + 2, submitted: before.submitted + 2, deflected: before.deflected });

    // A read that stays unanswered for more than a day stays deflected.
    const late = await newVisitor();
    await read(late.token, 'refunds');
    clock.advance(25 * 3_600_000);
    expect((await request(late.token)).status).toBe(201);
    const after = await report();
    expect(after).toMatchObject({ read: before.read + 3, submitted: before.submitted + 2, deflected: before.deflected + 1 });
    // The report covers the last `days` days: those reads were yesterday.
    expect(await report(1)).toMatchObject({ read: 0, submitted: 0, deflected: 0 });
  });
});
