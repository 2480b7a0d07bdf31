import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.ts';

let s: TestServer;
let writer: Awaited<ReturnType<TestServer['createAgent']>>;
let lead: Awaited<ReturnType<TestServer['createAgent']>>;
let admin: Awaited<ReturnType<TestServer['createAgent']>>;
beforeAll(async () => {
  s = await startTestServer({ email: false });
  [writer, lead, admin] = await Promise.all([
    s.createAgent('Wendy Writer', 'agent'),
    s.createAgent('Lee Lead', 'team_lead'),
    s.createAgent('Ada Admin', 'admin'),
  ]);
}, 120_000);
afterAll(async () => {
  await s.close();
});

const settings = { enabled: true, name: 'Acme Help', logoText: 'Acme', color: '#1f6feb', defaultLocale: 'en' };

describe('Help Center articles', () => {
  it('drafts are 404 until published; agents write, leads publish, admins configure', async () => {
    expect((await s.api('/api/helpcenter/settings', { method: 'PUT', cookie: lead.cookie, body: settings })).status).toBe(403);
    expect((await s.api('/api/helpcenter/settings', { method: 'PUT', cookie: admin.cookie, body: settings })).status).toBe(200);
    const created = await s.api('/api/helpcenter/articles', {
      cookie: writer.cookie,
      body: { title: 'How do I get a refund?', body: '# Refunds\n\nWrite to us. <script>alert(1)</script><img src=x onerror=alert(1)>' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'how-do-i-get-a-refund', status: 'draft', revision: 1 });
    expect(created.body.html).toContain('<h1>Refunds</h1>');
    expect(created.body.html).not.toMatch(/script|onerror/);
    const id = created.body.id;
    expect((await s.api('/help/default/articles/how-do-i-get-a-refund')).status).toBe(404);
    expect((await s.api(`/api/helpcenter/articles/${id}/publish`, { method: 'POST', cookie: writer.cookie })).status).toBe(403);
    const published = await s.api(`/api/helpcenter/articles/${id}/publish`, { method: 'POST', cookie: lead.cookie });
    expect(published.body).toMatchObject({ status: 'published', publishedRevision: 1, unpublishedChanges: false });
    const page = await s.api('/help/default/articles/how-do-i-get-a-refund');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>How do I get a refund?</h1>');
    expect(page.body).toContain('Was this helpful?');
    expect(page.body).not.toMatch(/<script|onerror/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.body).toContain('<link rel="canonical" href="http://127.0.0.1:');
  });

  it('a new slug keeps the old one redirecting; edits stay drafts until published again; bad input is 400', async () => {
    const a = (await s.api('/api/helpcenter/articles', { cookie: writer.cookie, body: { title: 'Shipping times', body: 'Two days.' } })).body;
    await s.api(`/api/helpcenter/articles/${a.id}/publish`, { method: 'POST', cookie: lead.cookie });
    const renamed = await s.api(`/api/helpcenter/articles/${a.id}`, {
      method: 'PUT',
      cookie: writer.cookie,
      body: { slug: 'delivery-times', body: 'Three days.' },
    });
    expect(renamed.body).toMatchObject({ slug: 'delivery-times', oldSlugs: ['shipping-times'], revision: 2, unpublishedChanges: true });
    const old = await fetch(`${s.url}/help/default/articles/shipping-times`, { redirect: 'manual' });
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/help/default/articles/delivery-times');
    expect(await (await fetch(`${s.url}/help/default/articles/delivery-times`)).text()).toContain('Two days.');
    const taken = await s.api(`/api/helpcenter/articles/${a.id}`, { method: 'PUT', cookie: writer.cookie, body: { slug: 'how-do-i-get-a-refund' } });
    expect(taken.status).toBe(409);
    expect((await s.api('/api/helpcenter/articles', { cookie: writer.cookie, body: { title: '', body: 'x' } })).status).toBe(400);
    expect((await s.api(`/api/helpcenter/articles/${a.id}`, { method: 'PUT', cookie: writer.cookie, body: { slug: 'Bad Slug!' } })).status).toBe(400);
    const detail = (await s.api(`/api/helpcenter/articles/${a.id}`, { cookie: writer.cookie })).body;
    expect(detail.revisions.map((r: { n: number; published: boolean }) => [r.n, r.published])).toEqual([
      [2, false],
      [1, true],
    ]);
    await s.api(`/api/helpcenter/articles/${a.id}/unpublish`, { method: 'POST', cookie: lead.cookie });
    expect((await s.api('/help/default/articles/delivery-times')).status).toBe(404);
  });

  it('counts "Was this helpful?" answers per article', async () => {
    const a = (await s.api('/api/helpcenter/articles', { cookie: writer.cookie, body: { title: 'Passwords', body: 'Reset it.' } })).body;
    await s.api(`/api/helpcenter/articles/${a.id}/publish`, { method: 'POST', cookie: lead.cookie });
    const post = (helpful: string) =>
      fetch(`${s.url}/help/default/articles/passwords/feedback`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
        body: `helpful=${helpful}`,
      });
    expect((await post('true')).status).toBe(303);
    await post('true');
    await post('false');
    expect((await post('maybe')).status).toBe(400);
    expect((await s.api(`/api/helpcenter/articles/${a.id}`, { cookie: writer.cookie })).body.feedback).toEqual({ yes: 2, no: 1 });
  });
});
