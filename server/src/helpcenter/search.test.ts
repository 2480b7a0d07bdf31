import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HcSearchResultDto } from '@kamflo/shared';
import { withLimits } from '../config.ts';
import { manualClock } from '../lib/clock.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';

let s: TestServer;
let second: TestServer | undefined;
let writer: Awaited<ReturnType<TestServer['createAgent']>>;
let lead: Awaited<ReturnType<TestServer['createAgent']>>;
const ids: Record<string, string> = {};

async function article(key: string, title: string, body: string, publish = true) {
  const a = (await s.api('/api/helpcenter/articles', { cookie: writer.cookie, body: { title, body } })).body;
  ids[key] = a.id;
  if (publish) expect((await s.api(`/api/helpcenter/articles/${a.id}/publish`, { method: 'POST', cookie: lead.cookie })).status).toBe(200);
  return a;
}
async function search(server: TestServer, q: string, extra = '') {
  const res = await server.api<{ results: HcSearchResultDto[] }>(`/api/helpcenter/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  return res.body.results;
}
const slugs = (rs: HcSearchResultDto[]) => rs.map((r) => r.slug);

beforeAll(async () => {
  s = await startTestServer({ email: false });
  const admin = await s.createAgent('Ada Admin', 'admin');
  [writer, lead] = await Promise.all([s.createAgent('Wendy Writer', 'agent'), s.createAgent('Lee Lead', 'team_lead')]);
  await s.api('/api/helpcenter/settings', {
    method: 'PUT',
    cookie: admin.cookie,
    body: { enabled: true, name: 'Acme Help', logoText: 'Acme', color: '#1f6feb', defaultLocale: 'en' },
  });
  await article('refund', 'How do I get a refund?', 'Write to **billing** with your order number.');
  await article('shipping', 'Shipping times', 'Orders ship in two days. If a parcel is late you may ask for a refund of the shipping fee.');
  await article('passwords', 'Passwords', 'Reset your password from the sign-in page.');
  await article('draft', 'Refund secrets', 'A refund we have not announced.', false);
}, 120_000);
afterAll(async () => {
  await second?.close();
  await s.close();
});

describe('Help Center search', () => {
  it('ranks a title match above a body match, and never shows drafts', async () => {
    const rs = await search(s, 'refund');
    expect(slugs(rs)).toEqual(['how-do-i-get-a-refund', 'shipping-times']);
    expect(rs[0]).toMatchObject({ title: 'How do I get a refund?', url: '/help/default/articles/how-do-i-get-a-refund' });
    expect(rs[0]!.titleHtml).toBe('How do I get a <mark>refund</mark>?');
    expect(rs[1]!.snippetHtml).toContain('ask for a <mark>refund</mark> of the shipping fee');
    // Markdown is indexed as text: no asterisks in the snippet.
    expect((await search(s, 'billing'))[0]!.snippetHtml).toBe('Write to <mark>billing</mark> with your order number.');
    expect(slugs(await search(s, 'secrets'))).toEqual([]);
  });

  it('matches prefixes and tolerates typos', async () => {
    const prefix = await search(s, 'refu');
    expect(slugs(prefix)).toEqual(['how-do-i-get-a-refund', 'shipping-times']);
    expect(prefix[0]!.titleHtml).toContain('<mark>refund</mark>');
    expect(slugs(await search(s, 'refnd'))).toEqual(['how-do-i-get-a-refund', 'shipping-times']);
    expect(slugs(await search(s, 'pasword'))).toEqual(['passwords']);
  });

  it('unpublishing takes an article out of the results; a new slug shows at once', async () => {
    await s.api(`/api/helpcenter/articles/${ids.shipping}/unpublish`, { method: 'POST', cookie: lead.cookie });
    expect(slugs(await search(s, 'refund'))).toEqual(['how-do-i-get-a-refund']);
    await s.api(`/api/helpcenter/articles/${ids.passwords}`, { method: 'PUT', cookie: writer.cookie, body: { slug: 'reset-password' } });
    expect(await search(s, 'passwords')).toMatchObject([{ slug: 'reset-password', url: '/help/default/articles/reset-password' }]);
  });

  it('a second process on the same database sees a publish at its next check', async () => {
    const clock = manualClock(new Date());
    second = await startTestServer({ dbName: s.dbName, email: false, clock });
    expect(slugs(await search(second, 'warranty'))).toEqual([]);
    expect(slugs(await search(second, 'refund'))).toEqual(['how-do-i-get-a-refund']);
    await article('warranty', 'Warranty claims', 'Send the broken item back within two years.');
    expect(slugs(await search(s, 'warranty'))).toEqual(['warranty-claims']);
    // Until its next check the second process answers from its index...
    clock.advance(1000);
    expect(slugs(await search(second, 'warranty'))).toEqual([]);
    // ...then it reads the version, sees the change and updates.
    clock.advance(5000);
    expect(slugs(await search(second, 'warranty'))).toEqual(['warranty-claims']);
    await s.api(`/api/helpcenter/articles/${ids.warranty}/unpublish`, { method: 'POST', cookie: lead.cookie });
    clock.advance(5000);
    expect(slugs(await search(second, 'warranty'))).toEqual([]);
  });

  it('escapes article text: only <mark> is markup', async () => {
    await article('script', '<script>alert(1)</script> Coupons', 'Coupon codes & <b>gift</b> cards.');
    const [r] = await search(s, 'coupons');
    expect(r!.title).toBe('<script>alert(1)</script> Coupons');
    expect(r!.titleHtml).toBe('&lt;script&gt;alert(1)&lt;/script&gt; <mark>Coupons</mark>');
    expect(r!.snippetHtml).not.toMatch(/<(?!\/?mark>)/);
    const page = await s.api('/help/default/search?q=coupons');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; <mark>Coupons</mark>');
  });

  it('the public search page works without script', async () => {
    const page = await s.api('/help/default/search?q=refu');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Search results for “refu” – Acme Help</title>');
    expect(page.body).toMatch(/<label for="hc-q">Search articles<\/label><input id="hc-q" type="search" name="q" value="refu"/);
    expect(page.body).toContain('<a href="/help/default/articles/how-do-i-get-a-refund">How do I get a <mark>refund</mark>?</a>');
    expect(page.body).not.toContain('Refund secrets');
    const none = await s.api('/help/default/search?q=zebra');
    expect(none.body).toContain('No articles match “zebra”.');
    const empty = await s.api('/help/default/search');
    expect(empty.status).toBe(200);
    expect(empty.body).toContain('<title>Search – Acme Help</title>');
    // Every page has the search box.
    expect((await s.api('/help/default/')).body).toContain('<form role="search" method="get" action="/help/default/search">');
  });

  it('bad input is 400; a disabled Help Center is 404', async () => {
    for (const q of ['q=', 'q=%20', `q=${'a'.repeat(201)}`, 'q=x&limit=0', 'q=x&limit=51', 'q=x&limit=two', 'q=x&site=Bad!', 'q=x&extra=1', '']) {
      const res = await s.api(`/api/helpcenter/search?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.message, q).toBeTruthy();
    }
    expect((await s.api(`/help/default/search?q=${'a'.repeat(201)}`)).status).toBe(400);
    expect((await s.api('/api/helpcenter/search?q=refund&site=other')).status).toBe(404);
    expect((await s.api('/help/other/search?q=refund')).status).toBe(404);
    expect(await search(s, 'refund', '&limit=1')).toHaveLength(1);
  });

  it('the API and the page count against the per-address limit', async () => {
    const limited = await startTestServer({ email: false, config: withLimits({ addressEvents: { points: 2, seconds: 60 } }) });
    try {
      expect((await limited.api('/api/helpcenter/search?q=refund')).status).toBe(404);
      expect((await limited.api('/help/default/search?q=refund')).status).toBe(404);
      const refused = await limited.api('/api/helpcenter/search?q=refund');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect((await limited.api('/help/default/search?q=refund')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
