import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.ts';

// The public Help Center beyond articles: categories, the sitemap and robots.txt, and "Submit a
// request" pre-filled from an article or a search, recording the article on the ticket.

let s: TestServer;
let lead: Awaited<ReturnType<TestServer['createAgent']>>;
let admin: Awaited<ReturnType<TestServer['createAgent']>>;
const settings = { enabled: true, name: 'Acme Help', logoText: 'Acme', color: '#1f6feb', defaultLocale: 'en' };

async function article(body: Record<string, unknown>, publish = true, site = 'default') {
  const a = (await s.api('/api/helpcenter/articles', { cookie: lead.cookie, body: { site, ...body } })).body;
  if (publish) await s.api(`/api/helpcenter/articles/${a.id}/publish`, { method: 'POST', cookie: lead.cookie });
  return a;
}
const page = async (path: string) => {
  const res = await fetch(s.url + path, { redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
};
/** A form post as a browser sends it from the Help Center's own page. */
const post = (path: string, fields: Record<string, string>) =>
  fetch(s.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
    body: new URLSearchParams(fields).toString(),
  });

beforeAll(async () => {
  s = await startTestServer({ email: false });
  [lead, admin] = await Promise.all([s.createAgent('Lee Lead', 'team_lead'), s.createAgent('Ada Admin', 'admin')]);
  await s.api('/api/helpcenter/settings', { method: 'PUT', cookie: admin.cookie, body: settings });
  await s.api('/api/helpcenter/settings?site=closed', { method: 'PUT', cookie: admin.cookie, body: { ...settings, enabled: false } });
}, 120_000);
afterAll(async () => {
  await s.close();
});

describe('public Help Center site', () => {
  it('groups articles by category and section; category and section are saved without a new revision', async () => {
    const a = await article({ title: 'Refund policy', body: 'Thirty days.', category: 'Billing', section: 'Refunds' });
    expect(a).toMatchObject({ category: 'Billing', section: 'Refunds', revision: 1 });
    await article({ title: 'Card declined', body: 'Call your bank.', category: 'Billing', section: 'Payments' });
    await article({ title: 'Loose ends', body: 'Misc.' });
    const moved = await s.api(`/api/helpcenter/articles/${a.id}`, { method: 'PUT', cookie: lead.cookie, body: { section: 'Money back' } });
    expect(moved.body).toMatchObject({ section: 'Money back', revision: 1 });
    expect((await s.api(`/api/helpcenter/articles/${a.id}`, { method: 'PUT', cookie: lead.cookie, body: { category: 'x'.repeat(81) } })).status).toBe(400);

    const home = await page('/help/default/');
    expect(home.text).toContain('<h2><a href="/help/default/categories/billing">Billing</a></h2>');
    expect(home.text).toContain('<h2>Other articles</h2>');
    expect(home.text).toContain('<a href="/help/default/sitemap.xml">Sitemap</a>');
    expect(home.text).toContain('<a href="/help/default/request">Submit a request</a>');
    const cat = await page('/help/default/categories/billing');
    expect(cat.status).toBe(200);
    expect(cat.text).toContain('<title>Billing – Acme Help</title>');
    expect(cat.text).toMatch(/<h2>Money back<\/h2><ul><li><a href="\/help\/default\/articles\/refund-policy">Refund policy<\/a>/);
    expect(cat.text).toContain('<h2>Payments</h2>');
    expect(cat.text).not.toContain('Loose ends');
    expect((await page('/help/default/categories/other')).text).toContain('Loose ends');
    expect((await page('/help/default/categories/nothing-here')).status).toBe(404);
  });

  it('the sitemap lists published articles of an enabled Help Center with lastmod; drafts are absent; a disabled one is 404', async () => {
    await article({ title: 'Sitemap draft', body: 'Not yet.' }, false);
    const live = await article({ title: 'Sitemap live', body: 'Here.' });
    const map = await page('/help/default/sitemap.xml');
    expect(map.status).toBe(200);
    expect(map.headers.get('content-type')).toContain('application/xml');
    expect(map.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
    expect(map.text).toContain(`<url><loc>${s.url}/help/default/</loc><lastmod>`);
    const detail = (await s.api(`/api/helpcenter/articles/${live.id}`, { cookie: lead.cookie })).body;
    expect(map.text).toContain(`<url><loc>${s.url}/help/default/articles/sitemap-live</loc><lastmod>${detail.publishedAt}</lastmod></url>`);
    expect(map.text).not.toContain('sitemap-draft');

    await article({ title: 'Closed site article', body: 'Hidden.' }, true, 'closed');
    expect((await page('/help/closed/sitemap.xml')).status).toBe(404);
    expect((await page('/help/Bad%20Site/sitemap.xml')).status).toBe(404);

    const robots = await page('/robots.txt');
    expect(robots.text).toContain(`Sitemap: ${s.url}/help/default/sitemap.xml`);
    expect(robots.text).not.toContain('/help/closed/');
    expect(robots.text).toContain('Disallow: /\n');
  });

  it('the home page lists the articles with the most "Yes" answers as popular, recounted once a minute', async () => {
    await s.api('/api/helpcenter/settings?site=pop', { method: 'PUT', cookie: admin.cookie, body: settings });
    for (const title of ['Alpha answer', 'Beta answer', 'Gamma answer']) await article({ title, body: 'x' }, true, 'pop');
    const vote = (slug: string, helpful: boolean) => post(`/help/pop/articles/${slug}/feedback`, { helpful: String(helpful) });
    await Promise.all([vote('beta-answer', true), vote('beta-answer', true), vote('alpha-answer', true), vote('gamma-answer', false)]);
    const popular = async () => /<h2>Popular articles<\/h2><ul>(.*?)<\/ul>/.exec((await page('/help/pop/')).text)?.[1] ?? '';
    const titles = (html: string) => [...html.matchAll(/>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(titles(await popular())).toEqual(['Beta answer', 'Alpha answer']);
    await Promise.all([vote('gamma-answer', true), vote('gamma-answer', true), vote('gamma-answer', true)]);
    expect(titles(await popular())).toEqual(['Beta answer', 'Alpha answer']);
    s.clock.advance(61_000);
    expect(titles(await popular())).toEqual(['Gamma answer', 'Beta answer', 'Alpha answer']);
    // An unpublished article leaves the list.
    const gamma = (await s.api('/api/helpcenter/articles?site=pop', { cookie: lead.cookie })).body.find((a: { slug: string }) => a.slug === 'gamma-answer');
    await s.api(`/api/helpcenter/articles/${gamma.id}/unpublish`, { method: 'POST', cookie: lead.cookie });
    expect(titles(await popular())).toEqual(['Beta answer', 'Alpha answer']);
  });

  it('pages stay under 50 KB with many articles and long escaped titles', async () => {
    await s.api('/api/helpcenter/settings?site=bulk', { method: 'PUT', cookie: admin.cookie, body: settings });
    const amp = (n: number) => '&'.repeat(n); // escaped, five times as long
    await Promise.all([
      ...Array.from({ length: 45 }, (_, i) =>
        article({ title: `Bulk question number ${i} about a long topic`, body: 'x', category: `Topic ${i}` }, true, 'bulk'),
      ),
      // One category with more long titles than a page holds, and many categories with long names.
      ...Array.from({ length: 40 }, (_, i) => article({ title: `${amp(190)} ${i}`, body: 'x', category: 'Heavy', slug: `heavy-${i}` }, true, 'bulk')),
      ...Array.from({ length: 30 }, (_, i) => article({ title: `${amp(190)} ${i}`, body: 'x', category: `${amp(75)} ${i}`, slug: `wide-${i}` }, true, 'bulk')),
    ]);
    for (const path of ['/help/bulk/', '/help/bulk/categories/topic-1', '/help/bulk/categories/heavy', '/help/bulk/search?q=bulk', '/help/bulk/request']) {
      const p = await page(path);
      expect(p.status, path).toBe(200);
      expect(Buffer.byteLength(p.text), path).toBeLessThanOrEqual(50 * 1024);
    }
    expect((await page('/help/bulk/categories/heavy')).text).toMatch(/<p>Showing \d+ of 40 articles; search to find the others.<\/p>/);
    expect((await page('/help/bulk/')).text).toMatch(/<p>\d+ more categories: search to find their articles.<\/p>/);
  }, 90_000);

  it('"Submit a request" from an article pre-fills the subject and the ticket records the article; it works without script', async () => {
    await article({ title: 'Where is my parcel?', body: 'Track it with the link in your email.' });
    const art = await page('/help/default/articles/where-is-my-parcel');
    expect(art.text).toContain('<a href="/help/default/request?article=where-is-my-parcel">Submit a request</a>');
    expect(art.text).not.toMatch(/<script/i);

    const form = await page('/help/default/request?article=where-is-my-parcel');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<h1>Submit a request</h1>');
    expect(form.text).toContain('<input id="r-subject" name="subject" required maxlength="200" value="Where is my parcel?">');
    expect(form.text).toContain('<input type="hidden" name="article" value="where-is-my-parcel">');
    expect(form.text).toContain('<form class="request" method="post" action="/help/default/request">');
    expect(form.text).not.toMatch(/<script/i);

    const sent = await post('/help/default/request', {
      name: 'Ana Lima',
      email: 'ana@example.com',
      subject: 'Where is my parcel?',
      message: 'The link says nothing.',
      category: 'general',
      article: 'where-is-my-parcel',
    });
    expect(sent.status).toBe(303);
    const location = sent.headers.get('location')!;
    const number = Number(/ticket=(\d+)/.exec(location)![1]);
    expect((await page(location)).text).toContain(`we have your request (#${number})`);
    const ticket = (await s.api(`/api/tickets/${number}`, { cookie: lead.cookie })).body;
    expect(ticket).toMatchObject({ subject: 'Where is my parcel?', source: 'help_center', requester: { name: 'Ana Lima', email: 'ana@example.com' } });
    expect(ticket.events[0]).toMatchObject({
      type: 'created',
      text: 'The link says nothing.',
      data: { article: 'where-is-my-parcel', articleUrl: '/help/default/articles/where-is-my-parcel' },
    });
  });

  it('from a search the subject is the query; an unknown article is not recorded; an old slug records the current one', async () => {
    const results = await page('/help/default/search?q=parcel%20lost');
    expect(results.text).toContain('<a href="/help/default/request?q=parcel+lost">Submit a request</a>');
    const form = await page('/help/default/request?q=parcel%20lost');
    expect(form.text).toContain('name="subject" required maxlength="200" value="parcel lost"');
    expect(form.text).not.toContain('name="article"');
    // Hostile query text is escaped.
    expect((await page('/help/default/request?q=%22%3E%3Cscript%3E')).text).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect((await page('/help/default/request?article=no-such-article')).text).not.toContain('name="article"');

    const base = { name: 'Ben', email: 'ben@example.com', subject: 'Lost', message: 'Help' };
    const unknown = await post('/help/default/request', { ...base, article: 'no-such-article' });
    expect(unknown.status).toBe(303);
    const t1 = (await s.api(`/api/tickets/${/ticket=(\d+)/.exec(unknown.headers.get('location')!)![1]}`, { cookie: lead.cookie })).body;
    expect(t1.events[0].data).toBeUndefined();

    const a = await article({ title: 'Old name', body: 'Body.' });
    await s.api(`/api/helpcenter/articles/${a.id}`, { method: 'PUT', cookie: lead.cookie, body: { slug: 'new-name' } });
    const renamed = await post('/help/default/request', { ...base, article: 'old-name' });
    const t2 = (await s.api(`/api/tickets/${/ticket=(\d+)/.exec(renamed.headers.get('location')!)![1]}`, { cookie: lead.cookie })).body;
    expect(t2.events[0].data).toEqual({ article: 'new-name', articleUrl: '/help/default/articles/new-name' });
  });

  it('bad input re-shows the form with the errors and keeps what was typed; a disabled Help Center has no form', async () => {
    const bad = await post('/help/default/request', { name: 'Cy <b>', email: 'not-an-email', subject: '', message: 'Kept text', category: 'nonsense' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('<div role="alert">');
    expect(html).toContain('<li>Email must be an email address</li>');
    expect(html).toContain('<li>Subject must not be empty</li>');
    expect(html).toMatch(/<li>Category [^<]+<\/li>/);
    expect(html).toContain('value="Cy &lt;b&gt;"');
    expect(html).toContain('>Kept text</textarea>');
    const huge = await post('/help/default/request', { name: 'Cy', email: 'cy@example.com', subject: 'x'.repeat(250), message: 'm' });
    expect(huge.status).toBe(400);

    expect((await page('/help/closed/request')).status).toBe(404);
    expect((await post('/help/closed/request', { name: 'Cy', email: 'cy@example.com', subject: 's', message: 'm' })).status).toBe(404);
    // A form on another site cannot post requests here.
    const forged = await fetch(`${s.url}/help/default/request`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'name=a&email=a%40example.com&subject=s&message=m',
    });
    expect(forged.status).toBe(403);
  });
});

describe('with KAMFLO_PUBLIC_URL', () => {
  it('settings, canonical URLs, the sitemap and robots.txt use the public address', async () => {
    const p = await startTestServer({ email: false, config: { publicUrl: 'https://help.acme.test' } });
    try {
      const a = await p.createAgent('Ada Admin', 'admin');
      const put = await p.api('/api/helpcenter/settings', { method: 'PUT', cookie: a.cookie, body: settings });
      expect(put.body.url).toBe('https://help.acme.test/help/default/');
      expect((await p.api('/api/helpcenter/settings', { cookie: a.cookie })).body.url).toBe('https://help.acme.test/help/default/');
      expect(await (await fetch(`${p.url}/help/default/`)).text()).toContain('<link rel="canonical" href="https://help.acme.test/help/default/">');
      expect(await (await fetch(`${p.url}/help/default/sitemap.xml`)).text()).toContain('<loc>https://help.acme.test/help/default/</loc>');
      expect(await (await fetch(`${p.url}/robots.txt`)).text()).toContain('Sitemap: https://help.acme.test/help/default/sitemap.xml');
    } finally {
      await p.close();
    }
  });
});
