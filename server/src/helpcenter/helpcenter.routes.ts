import {
  articleCreateInput,
  articleListQuery,
  articlePreviewInput,
  articleUpdateInput,
  DEFAULT_SITE,
  hcDeflectionQuery,
  hcFeedbackInput,
  hcSearchQuery,
  hcSlug,
  hcSuggestedReadInput,
  hcSettingsInput,
  helpCenterRequestInput,
  objectId,
  siteQuery,
} from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import { AppError } from '../lib/errors.ts';
import type { TicketIntake } from '../tickets/ticket-intake.ts';
import type { ArticleService } from './article.service.ts';
import { publicArticlePath } from './article.service.ts';
import type { Deflection } from './deflection.ts';
import { renderMarkdown } from './markdown.ts';
import type { SearchIndex } from './search-index.ts';

/**
 * "Submit a request" (a Help Center form that creates a ticket; rate-limited in
 * security/http-limits.ts) and the console's article routes.
 */
export function helpCenterRoutes(route: DeclareRoute, deps: { intake: TicketIntake; articles: ArticleService; search: SearchIndex; deflection: Deflection }) {
  const { articles, deflection } = deps;
  route('POST /api/helpcenter/requests', {
    summary: 'Submit a request; with a visitor token, replies also reach that widget',
    access: 'visitor-optional',
    body: helpCenterRequestInput,
    status: 201,
    handle: async ({ visitor, body }) => {
      const created = await deps.intake.fromHelpCenter(body, visitor);
      // A visitor who read a suggested article and asked anyway: not deflected.
      if (visitor) await deflection.contacted(visitor);
      return created;
    },
  });

  /** The site's Help Center, when it is enabled: one that is off does not exist. */
  async function enabled(site: string | undefined): Promise<string> {
    const key = site ?? DEFAULT_SITE;
    if (!(await articles.getSettings(key)).enabled) throw new AppError('not_found', 'No such Help Center');
    return key;
  }
  const bySlug = { slug: hcSlug };

  route('GET /api/helpcenter/public/articles/:slug', {
    summary: 'A published article of an enabled Help Center, as sanitized HTML (an old slug answers with the article)',
    access: 'public',
    params: bySlug,
    query: siteQuery,
    handle: async ({ params, query }) => {
      const site = await enabled(query.site);
      const found = await articles.published(site, params.slug);
      if (!found) throw new AppError('not_found', 'No such article');
      const a = found.article;
      return { slug: a.slug, title: a.published.title, html: a.published.html, url: publicArticlePath(site, a.slug), updatedAt: a.published.at.toISOString() };
    },
  });

  route('POST /api/helpcenter/public/articles/:slug/feedback', {
    summary: '"Was this helpful?": one answer, counted per article',
    access: 'public',
    params: bySlug,
    query: siteQuery,
    body: hcFeedbackInput,
    handle: async ({ params, query, body }) => {
      await articles.recordFeedback(await enabled(query.site), params.slug, body.helpful);
      return { recorded: true as const };
    },
  });

  route('POST /api/helpcenter/suggested-reads', {
    summary: 'The visitor opened an article the widget suggested (counted once per visitor and day, for deflection)',
    access: 'visitor-optional',
    body: hcSuggestedReadInput,
    handle: async ({ visitor, body }) => {
      if (!visitor) throw new AppError('unauthorized', 'A visitor token is required');
      await enabled(visitor.site);
      if (!(await articles.published(visitor.site, body.article))) throw new AppError('not_found', 'No such article');
      return { counted: await deflection.suggestedRead(visitor, body.article) };
    },
  });

  route('GET /api/helpcenter/deflection', {
    summary: 'Visitors who read a suggested article: how many then opened a request or chat, and how many did not',
    access: 'agent',
    query: hcDeflectionQuery,
    handle: ({ query }) => deflection.report(query.site ?? DEFAULT_SITE, query.days),
  });

  route('GET /api/helpcenter/search', {
    summary: 'Search the published articles of an enabled Help Center (titles weigh more; prefixes and typos match)',
    access: 'public',
    query: hcSearchQuery,
    handle: async ({ query }) => {
      // Like the public site: a Help Center that is off does not exist.
      const site = await enabled(query.site);
      return { results: await deps.search.search(site, query.q, query.limit) };
    },
  });

  const write = { access: 'agent', permission: 'helpcenter.write', forbidden: 'Your role may not write Help Center articles' } as const;
  const publish = { access: 'agent', permission: 'helpcenter.publish', forbidden: 'Your role may not publish Help Center articles' } as const;
  const byId = { id: objectId };

  route('GET /api/helpcenter/articles', {
    summary: 'Every article of a site, drafts included',
    ...write,
    query: articleListQuery,
    handle: ({ query }) => articles.list(query.site ?? DEFAULT_SITE, query.status),
  });
  route('POST /api/helpcenter/articles', {
    summary: 'A new draft article',
    ...write,
    body: articleCreateInput,
    status: 201,
    handle: ({ agent, body }) => articles.create(agent, body),
  });
  route('GET /api/helpcenter/articles/:id', {
    summary: 'An article with its rendered draft, history and feedback',
    ...write,
    params: byId,
    handle: ({ params }) => articles.detail(params.id),
  });
  route('PUT /api/helpcenter/articles/:id', {
    summary: "Save an article's draft (a new revision)",
    ...write,
    params: byId,
    body: articleUpdateInput,
    handle: ({ agent, params, body }) => articles.update(agent, params.id, body),
  });
  route('POST /api/helpcenter/articles/:id/publish', {
    summary: 'Publish the draft',
    ...publish,
    params: byId,
    handle: ({ params }) => articles.publish(params.id),
  });
  route('POST /api/helpcenter/articles/:id/unpublish', {
    summary: 'Take the article off the public site',
    ...publish,
    params: byId,
    handle: ({ params }) => articles.unpublish(params.id),
  });
  route('POST /api/helpcenter/preview', {
    summary: 'Render Markdown as the public site does',
    ...write,
    body: articlePreviewInput,
    handle: ({ body }) => ({ html: renderMarkdown(body.body) }),
  });
  route('GET /api/helpcenter/settings', {
    summary: "A site's Help Center settings",
    ...write,
    query: siteQuery,
    handle: ({ query }) => articles.getSettings(query.site ?? DEFAULT_SITE),
  });
  route('PUT /api/helpcenter/settings', {
    summary: "Change a site's Help Center settings",
    access: 'agent',
    permission: 'helpcenter.configure',
    forbidden: 'Only admins configure the Help Center',
    query: siteQuery,
    body: hcSettingsInput,
    handle: ({ query, body }) => articles.putSettings(query.site ?? DEFAULT_SITE, body),
  });
}
