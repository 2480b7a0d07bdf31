import express, { Router, type Response } from 'express';
import escapeHtml from 'escape-html';
import helmet from 'helmet';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  cleanLine,
  hcFeedbackInput,
  hcSearchQuery,
  helpCenterRequestInput,
  MAX_SUBJECT_LENGTH,
  siteKey,
  hcSlug,
  slugify,
  type HcSettingsDto,
} from '@kamflo/shared';
import type { TicketIntake } from '../tickets/ticket-intake.ts';
import type { ArticleDoc } from './article.model.ts';
import type { ArticleService } from './article.service.ts';
import { publicArticlePath } from './article.service.ts';
import { plainText } from './markdown.ts';
import type { SearchIndex } from './search-index.ts';

/** Server-rendered pages: no script at all, so the CSP allows none; article HTML is sanitized on publish. */
const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      imgSrc: ["'self'", 'https:'],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
});

const CSS =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}header{padding:12px 24px;color:#fff}main{max-width:760px;margin:0 auto;padding:16px 24px}a{color:#0b57d0}article img{max-width:100%}form.inline{display:inline}nav.top{float:right}nav.top a{color:#fff}form.request label{display:block;margin-top:8px}form.request input,form.request textarea,form.request select{width:100%;max-width:480px;box-sizing:border-box}form.request button{margin-top:12px}footer{max-width:760px;margin:0 auto;padding:16px 24px;font-size:14px}form[role=search]{margin:8px 0 16px}form[role=search] label{margin-right:8px}ol.results li{margin-bottom:12px}mark{background:#fff3a3}';

/** A search box that works without script: a GET form to the site's search page. */
function searchForm(site: string, q = '') {
  return `<form role="search" method="get" action="/help/${escapeHtml(site)}/search"><label for="hc-q">Search articles</label><input id="hc-q" type="search" name="q" value="${escapeHtml(q)}" maxlength="200"> <button type="submit">Search</button></form>`;
}

/** The request form's address, carrying what the visitor was reading or searching for (the form pre-fills from it). */
export function requestPath(site: string, from: { article?: string; q?: string } = {}) {
  const qs = new URLSearchParams();
  if (from.article) qs.set('article', from.article);
  else if (from.q) qs.set('q', from.q);
  const query = qs.toString();
  return `/help/${encodeURIComponent(site)}/request${query ? `?${query}` : ''}`;
}

function page(
  res: Response,
  o: {
    title: string;
    site: string;
    name: string;
    logoText: string;
    color: string;
    lang?: string;
    description?: string;
    canonical?: string;
    q?: string;
    /** Where "Submit a request" leads (the plain form when left out). */
    request?: string;
    head?: string;
    footer?: string;
    body: string;
  },
) {
  res
    .type('html')
    .send(`<!doctype html><html lang="${escapeHtml(o.lang ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(o.title)}</title>${o.description ? `<meta name="description" content="${escapeHtml(o.description)}">` : ''}
${o.canonical ? `<link rel="canonical" href="${escapeHtml(o.canonical)}">` : '<meta name="robots" content="noindex">'}${o.head ?? ''}<style>${CSS}</style></head><body>
<header style="background:${escapeHtml(o.color)}"><nav class="top"><a href="${escapeHtml(o.request ?? requestPath(o.site))}">Submit a request</a></nav><a href="/help/${escapeHtml(o.site)}/" style="color:#fff" aria-label="${escapeHtml(o.name)}">${escapeHtml(o.logoText)}</a></header>
<main>${searchForm(o.site, o.q)}${o.body}</main>${o.footer ? `<footer>${o.footer}</footer>` : ''}</body></html>`);
}

/** Articles by category (`''`: none), categories in alphabetical order with the uncategorised last. */
function byCategory(list: ArticleDoc[]): [string, ArticleDoc[]][] {
  const groups = new Map<string, ArticleDoc[]>();
  for (const a of list) {
    const c = a.category ?? '';
    groups.set(c, [...(groups.get(c) ?? []), a]);
  }
  return [...groups].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
}
const categoryPath = (site: string, category: string) => `/help/${encodeURIComponent(site)}/categories/${slugify(category)}`;
const articleLink = (a: ArticleDoc) => `<li><a href="${escapeHtml(publicArticlePath(a.site, a.slug))}">${escapeHtml(a.published!.title)}</a></li>`;
/** Pages stay light (≤ 50 KB): the home page lists a few articles per category, a category page a few hundred. */
const HOME_PER_CATEGORY = 5;
/** "Popular articles": the published ones with the most "Was this helpful?" Yes answers. */
const HOME_POPULAR = 5;
/** Bytes of article and category links a page may carry, so it stays under 50 KB whatever the titles (up to 200 characters, escaped). */
const LINKS_BUDGET = 36_000;
const bytes = (html: string) => Buffer.byteLength(html);

interface RequestFields {
  name: string;
  email: string;
  subject: string;
  message: string;
  category: string;
  article: string;
}
const field = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

function requestForm(site: string, f: RequestFields, o: { readTitle?: string; errors?: string[] } = {}) {
  const errors = o.errors?.length
    ? `<div role="alert"><p>Please correct this:</p><ul>${o.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></div>`
    : '';
  const options = CATEGORIES.map((c) => `<option value="${c}"${f.category === c ? ' selected' : ''}>${escapeHtml(CATEGORY_LABELS[c])}</option>`).join('');
  return `<h1>Submit a request</h1>${errors}${o.readTitle ? `<p>About the article “${escapeHtml(o.readTitle)}”.</p>` : ''}
<form class="request" method="post" action="/help/${escapeHtml(site)}/request">
${f.article ? `<input type="hidden" name="article" value="${escapeHtml(f.article)}">` : ''}
<label for="r-name">Name</label><input id="r-name" name="name" required maxlength="100" autocomplete="name" value="${escapeHtml(f.name)}">
<label for="r-email">Email</label><input id="r-email" name="email" type="email" required maxlength="254" autocomplete="email" value="${escapeHtml(f.email)}">
<label for="r-subject">Subject</label><input id="r-subject" name="subject" required maxlength="${MAX_SUBJECT_LENGTH}" value="${escapeHtml(f.subject)}">
<label for="r-message">Message</label><textarea id="r-message" name="message" required rows="6">${escapeHtml(f.message)}</textarea>
<label for="r-category">Category (optional)</label><select id="r-category" name="category"><option value="">—</option>${options}</select>
<button type="submit">Send request</button></form>`;
}

/** `/help/<site>/…`: the public Help Center of an enabled site; drafts and disabled sites are 404. */
export function publicHelpCenter(deps: { articles: ArticleService; search: SearchIndex; intake: TicketIntake; publicUrl?: string }) {
  const r = Router();
  // Canonical URLs use KAMFLO_PUBLIC_URL, else the address the request came to.
  const abs = (req: express.Request, path: string) => new URL(path, deps.publicUrl ?? `${req.protocol}://${req.get('host')}`).href;

  async function enabledSite(raw: string) {
    const site = siteKey.safeParse(raw);
    if (!site.success) return null;
    const settings = await deps.articles.getSettings(site.data);
    return settings.enabled ? settings : null;
  }
  const notFound = (res: Response) => res.status(404).type('text').send('Not found');

  r.use('/help', pageHeaders);
  // Non-strict routing matches `/help/<site>/` here too: only the slash-less form redirects.
  r.get('/help/:site', (req, res, next) => (req.path.endsWith('/') ? next() : res.redirect(301, `/help/${encodeURIComponent(req.params.site)}/`)));
  r.get('/help/:site/', async (req, res) => {
    const s = await enabledSite(req.params.site);
    if (!s) return notFound(res);
    const list = await deps.articles.publishedList(s.site);
    const groups = byCategory(list);
    const byId = new Map(list.map((a) => [String(a._id), a]));
    const popular = (await deps.articles.popularIds(s.site, 50))
      .map((id) => byId.get(id))
      .filter((a) => a !== undefined)
      .slice(0, HOME_POPULAR);
    const popularHtml = popular.length ? `<section><h2>Popular articles</h2><ul>${popular.map(articleLink).join('')}</ul></section>` : '';
    let used = bytes(popularHtml);
    let shownGroups = 0;
    const sectionHtml: string[] = [];
    for (const [c, items] of groups) {
      const more =
        items.length > HOME_PER_CATEGORY
          ? `<p><a href="${escapeHtml(categoryPath(s.site, c || 'other'))}">All ${items.length} articles${c ? ` in ${escapeHtml(c)}` : ''}</a></p>`
          : '';
      const heading = c ? `<a href="${escapeHtml(categoryPath(s.site, c))}">${escapeHtml(c)}</a>` : groups.length > 1 ? 'Other articles' : 'Articles';
      const html = `<section><h2>${heading}</h2><ul>${items.slice(0, HOME_PER_CATEGORY).map(articleLink).join('')}</ul>${more}</section>`;
      if (used + bytes(html) > LINKS_BUDGET) break;
      used += bytes(html);
      sectionHtml.push(html);
      shownGroups++;
    }
    const hidden = groups.length - shownGroups;
    const sections = sectionHtml.join('') + (hidden ? `<p>${hidden} more categor${hidden === 1 ? 'y' : 'ies'}: search to find their articles.</p>` : '');
    const sitemap = `/help/${s.site}/sitemap.xml`;
    page(res, {
      ...s,
      lang: s.defaultLocale,
      title: s.name,
      description: `${s.name}: answers to common questions`,
      canonical: abs(req, `/help/${s.site}/`),
      head: `<link rel="sitemap" type="application/xml" href="${escapeHtml(sitemap)}">`,
      footer: `<a href="${escapeHtml(sitemap)}">Sitemap</a>`,
      body: `<h1>${escapeHtml(s.name)}</h1>${popularHtml}${sections || '<p>No articles yet.</p>'}`,
    });
  });
  r.get('/help/:site/categories/:category', async (req, res) => {
    const s = await enabledSite(req.params.site);
    const wanted = hcSlug.safeParse(req.params.category);
    if (!s || !wanted.success) return notFound(res);
    // `other` is the articles without a category, unless a category is called that.
    const groups = byCategory(await deps.articles.publishedList(s.site));
    const group = groups.find(([c]) => c && slugify(c) === wanted.data) ?? (wanted.data === 'other' ? groups.find(([c]) => c === '') : undefined);
    if (!group) return notFound(res);
    const [name, list] = group;
    const title = name || 'Other articles';
    const bySection = new Map<string, ArticleDoc[]>();
    for (const a of list) bySection.set(a.section ?? '', [...(bySection.get(a.section ?? '') ?? []), a]);
    const ordered = [...bySection].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
    // As many links as the page's budget holds, in section order.
    let used = 0;
    let shown = 0;
    const parts: string[] = [];
    for (const [sec, items] of ordered) {
      const links: string[] = [];
      for (const a of items) {
        const link = articleLink(a);
        if (used + bytes(link) > LINKS_BUDGET) break;
        used += bytes(link);
        links.push(link);
      }
      if (links.length) parts.push(`${sec ? `<h2>${escapeHtml(sec)}</h2>` : ordered.length > 1 ? '<h2>More</h2>' : ''}<ul>${links.join('')}</ul>`);
      shown += links.length;
      if (links.length < items.length) break;
    }
    const body = parts.join('');
    const more = shown < list.length ? `<p>Showing ${shown} of ${list.length} articles; search to find the others.</p>` : '';
    page(res, {
      ...s,
      lang: s.defaultLocale,
      title: `${title} – ${s.name}`,
      description: `${title}: ${list.length} article${list.length === 1 ? '' : 's'} in ${s.name}`,
      canonical: abs(req, categoryPath(s.site, name || 'other')),
      body: `<h1>${escapeHtml(title)}</h1>${body}${more}`,
    });
  });
  r.get('/help/:site/sitemap.xml', async (req, res) => {
    const s = await enabledSite(req.params.site);
    if (!s) return notFound(res);
    const list = await deps.articles.publishedList(s.site);
    const url = (loc: string, lastmod?: Date) =>
      `<url><loc>${escapeHtml(abs(req, loc))}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ''}</url>`;
    const newest = list.reduce<Date | undefined>((m, a) => (!m || a.published!.at > m ? a.published!.at : m), undefined);
    res
      .type('application/xml')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${url(`/help/${s.site}/`, newest)}${list.map((a) => url(publicArticlePath(a.site, a.slug), a.published!.at)).join('')}</urlset>\n`,
      );
  });
  r.get('/help/:site/search', async (req, res) => {
    const s = await enabledSite(req.params.site);
    if (!s) return notFound(res);
    const raw = typeof req.query.q === 'string' ? req.query.q : '';
    if (!raw.trim()) return page(res, { ...s, title: `Search – ${s.name}`, body: '<h1>Search</h1>' });
    const input = hcSearchQuery.safeParse({ q: raw });
    if (!input.success) {
      res.status(400);
      return page(res, { ...s, title: `Search – ${s.name}`, body: '<h1>Search</h1><p role="alert">Type at most 200 characters.</p>' });
    }
    const q = input.data.q;
    const results = await deps.search.search(s.site, q, 20);
    const items = results.map((h) => `<li><a href="${escapeHtml(h.url)}">${h.titleHtml}</a><p>${h.snippetHtml}</p></li>`).join('');
    page(res, {
      ...s,
      q,
      request: requestPath(s.site, { q }),
      title: `Search results for “${q}” – ${s.name}`,
      body: `<h1>Search results for “${escapeHtml(q)}”</h1>${items ? `<ol class="results">${items}</ol>` : `<p>No articles match “${escapeHtml(q)}”.</p>`}`,
    });
  });
  r.get('/help/:site/articles/:slug', async (req, res) => {
    const s = await enabledSite(req.params.site);
    const slug = hcSlug.safeParse(req.params.slug);
    if (!s || !slug.success) return notFound(res);
    const found = await deps.articles.published(s.site, slug.data);
    if (!found) return notFound(res);
    if (found.redirect) return res.redirect(301, publicArticlePath(s.site, found.redirect));
    const a = found.article;
    const path = publicArticlePath(s.site, a.slug);
    const thanks = req.query.thanks === '1' ? '<p role="status">Thanks for your feedback.</p>' : '';
    page(res, {
      ...s,
      lang: a.locale,
      request: requestPath(s.site, { article: a.slug }),
      title: `${a.published.title} – ${s.name}`,
      description: plainText(a.published.body).slice(0, 160),
      canonical: abs(req, path),
      body: `<article><h1>${escapeHtml(a.published.title)}</h1>${a.published.html}</article>
<section aria-labelledby="fb"><h2 id="fb">Was this helpful?</h2>${thanks}
<form class="inline" method="post" action="${escapeHtml(path)}/feedback"><input type="hidden" name="helpful" value="true"><button type="submit">Yes</button></form>
<form class="inline" method="post" action="${escapeHtml(path)}/feedback"><input type="hidden" name="helpful" value="false"><button type="submit">No</button></form></section>
<p>Still need help? <a href="${escapeHtml(requestPath(s.site, { article: a.slug }))}">Submit a request</a></p>`,
    });
  });
  r.post('/help/:site/articles/:slug/feedback', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const s = await enabledSite(req.params.site);
    const slug = hcSlug.safeParse(req.params.slug);
    const input = hcFeedbackInput.safeParse({ helpful: req.body?.helpful === 'true' ? true : req.body?.helpful === 'false' ? false : req.body?.helpful });
    if (!s || !slug.success) return notFound(res);
    if (!input.success) return res.status(400).type('text').send('helpful must be true or false');
    await deps.articles.recordFeedback(s.site, slug.data, input.data.helpful);
    res.redirect(303, `${publicArticlePath(s.site, slug.data)}?thanks=1`);
  });

  /** The published article a request names (by a current or old slug), or null. */
  async function readArticle(site: HcSettingsDto, raw: unknown) {
    const slug = hcSlug.safeParse(raw);
    if (!slug.success) return null;
    return (await deps.articles.published(site.site, slug.data))?.article ?? null;
  }
  // "Submit a request": a plain form (no script). From an article (?article=<slug>) the subject is
  // its title and the ticket records the article; from a search (?q=) the subject is the query.
  r.get('/help/:site/request', async (req, res) => {
    const s = await enabledSite(req.params.site);
    if (!s) return notFound(res);
    const a = await readArticle(s, req.query.article);
    const q = cleanLine(field(req.query.q, MAX_SUBJECT_LENGTH)).trim();
    const empty = { name: '', email: '', message: '', category: '' };
    page(res, {
      ...s,
      lang: s.defaultLocale,
      title: `Submit a request – ${s.name}`,
      body: requestForm(
        s.site,
        { ...empty, subject: a ? a.published.title.slice(0, MAX_SUBJECT_LENGTH) : q, article: a?.slug ?? '' },
        { readTitle: a?.published.title },
      ),
    });
  });
  r.post('/help/:site/request', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const s = await enabledSite(req.params.site);
    if (!s) return notFound(res);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const f: RequestFields = {
      name: field(b.name, 200),
      email: field(b.email, 300),
      subject: field(b.subject, MAX_SUBJECT_LENGTH + 100),
      message: field(b.message, 20_000),
      category: field(b.category, 40),
      article: field(b.article, 100),
    };
    const a = f.article ? await readArticle(s, f.article) : null;
    const input = helpCenterRequestInput.safeParse({
      name: f.name,
      email: f.email,
      subject: f.subject,
      message: f.message,
      site: s.site,
      ...(f.category ? { category: f.category } : {}),
      // An article that is not (or no longer) published is left out, an old slug becomes the current one.
      ...(a ? { article: a.slug } : {}),
    });
    if (!input.success) {
      const labels: Record<string, string> = { name: 'Name', email: 'Email', subject: 'Subject', message: 'Message', category: 'Category' };
      const errors = input.error.issues.map((i) => `${labels[String(i.path[0])] ?? String(i.path[0] ?? 'Request')} ${i.message}`);
      res.status(400);
      return page(res, {
        ...s,
        lang: s.defaultLocale,
        title: `Submit a request – ${s.name}`,
        body: requestForm(s.site, { ...f, article: a?.slug ?? '' }, { readTitle: a?.published.title, errors }),
      });
    }
    const { ticketNumber } = await deps.intake.fromHelpCenter(input.data, null);
    res.redirect(303, `/help/${encodeURIComponent(s.site)}/request/sent?ticket=${ticketNumber}`);
  });
  r.get('/help/:site/request/sent', async (req, res) => {
    const s = await enabledSite(req.params.site);
    if (!s) return notFound(res);
    const n = typeof req.query.ticket === 'string' && /^\d{1,12}$/.test(req.query.ticket) ? req.query.ticket : null;
    page(res, {
      ...s,
      lang: s.defaultLocale,
      title: `Request sent – ${s.name}`,
      body: `<h1>Request sent</h1><p role="status">Thanks: we have your request${n ? ` (#${n})` : ''} and will answer by email.</p><p><a href="/help/${escapeHtml(s.site)}/">Back to ${escapeHtml(s.name)}</a></p>`,
    });
  });
  return r;
}

/** `/robots.txt`: the sitemap of every enabled Help Center; nothing else (the console, the API) is for crawlers. */
export function robotsTxt(deps: { articles: ArticleService; publicUrl?: string }) {
  const r = Router();
  r.get('/robots.txt', async (req, res) => {
    const base = deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    const sites = await deps.articles.enabledSites();
    const lines = ['User-agent: *', 'Allow: /help/', 'Disallow: /', ...sites.map((site) => `Sitemap: ${new URL(`/help/${site}/sitemap.xml`, base).href}`)];
    res.type('text').send(`${lines.join('\n')}\n`);
  });
  return r;
}
