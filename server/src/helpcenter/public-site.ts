import express, { Router, type Response } from 'express';
import escapeHtml from 'escape-html';
import helmet from 'helmet';
import { hcFeedbackInput, siteKey, hcSlug } from '@kamflo/shared';
import type { ArticleService } from './article.service.ts';
import { publicArticlePath } from './article.service.ts';
import { plainText } from './markdown.ts';

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
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}header{padding:12px 24px;color:#fff}main{max-width:760px;margin:0 auto;padding:16px 24px}a{color:#0b57d0}article img{max-width:100%}form.inline{display:inline}';

function page(res: Response, o: { title: string; site: string; name: string; color: string; description?: string; canonical: string; body: string }) {
  res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(o.title)}</title>${o.description ? `<meta name="description" content="${escapeHtml(o.description)}">` : ''}
<link rel="canonical" href="${escapeHtml(o.canonical)}"><style>${CSS}</style></head><body>
<header style="background:${escapeHtml(o.color)}"><a href="/help/${escapeHtml(o.site)}/" style="color:#fff">${escapeHtml(o.name)}</a></header>
<main>${o.body}</main></body></html>`);
}

/** `/help/<site>/…`: the public Help Center of an enabled site; drafts and disabled sites are 404. */
export function publicHelpCenter(deps: { articles: ArticleService; publicUrl?: string }) {
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
  r.get('/help/:site', (req, res) => res.redirect(301, `/help/${encodeURIComponent(req.params.site)}/`));
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
