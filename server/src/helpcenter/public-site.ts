import express, { Router, type Response } from 'express';
import escapeHtml from 'escape-html';
import helmet from 'helmet';
import { hcFeedbackInput, hcSearchQuery, siteKey, hcSlug } from '@kamflo/shared';
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
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}header{padding:12px 24px;color:#fff}main{max-width:760px;margin:0 auto;padding:16px 24px}a{color:#0b57d0}article img{max-width:100%}form.inline{display:inline}form[role=search]{margin:8px 0 16px}form[role=search] label{margin-right:8px}ol.results li{margin-bottom:12px}mark{background:#fff3a3}';

/** A search box that works without script: a GET form to the site's search page. */
function searchForm(site: string, q = '') {
  return `<form role="search" method="get" action="/help/${escapeHtml(site)}/search"><label for="hc-q">Search articles</label><input id="hc-q" type="search" name="q" value="${escapeHtml(q)}" maxlength="200"> <button type="submit">Search</button></form>`;
}

function page(
  res: Response,
  o: { title: string; site: string; name: string; color: string; description?: string; canonical?: string; q?: string; body: string },
) {
  res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(o.title)}</title>${o.description ? `<meta name="description" content="${escapeHtml(o.description)}">` : ''}
${o.canonical ? `<link rel="canonical" href="${escapeHtml(o.canonical)}">` : '<meta name="robots" content="noindex">'}<style>${CSS}</style></head><body>
<header style="background:${escapeHtml(o.color)}"><a href="/help/${escapeHtml(o.site)}/" style="color:#fff">${escapeHtml(o.name)}</a></header>
<main>${searchForm(o.site, o.q)}${o.body}</main></body></html>`);
}

/** `/help/<site>/…`: the public Help Center of an enabled site; drafts and disabled sites are 404. */
export function publicHelpCenter(deps: { articles: ArticleService; search: SearchIndex; publicUrl?: string }) {
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
    const items = list.map((a) => `<li><a href="${escapeHtml(publicArticlePath(a.site, a.slug))}">${escapeHtml(a.published!.title)}</a></li>`).join('');
    page(res, {
      ...s,
      title: s.name,
      description: `${s.name}: answers to common questions`,
      canonical: abs(req, `/help/${s.site}/`),
      body: `<h1>${escapeHtml(s.name)}</h1><h2>Articles</h2><ul>${items || '<li>No articles yet.</li>'}</ul>`,
    });
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
      title: `${a.published.title} – ${s.name}`,
      description: plainText(a.published.body).slice(0, 160),
      canonical: abs(req, path),
      body: `<article><h1>${escapeHtml(a.published.title)}</h1>${a.published.html}</article>
<section aria-labelledby="fb"><h2 id="fb">Was this helpful?</h2>${thanks}
<form class="inline" method="post" action="${escapeHtml(path)}/feedback"><input type="hidden" name="helpful" value="true"><button type="submit">Yes</button></form>
<form class="inline" method="post" action="${escapeHtml(path)}/feedback"><input type="hidden" name="helpful" value="false"><button type="submit">No</button></form></section>`,
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
  return r;
}
