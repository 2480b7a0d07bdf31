import {
  articleCreateInput,
  articleListQuery,
  articlePreviewInput,
  articleUpdateInput,
  DEFAULT_SITE,
  hcSearchQuery,
  hcSettingsInput,
  helpCenterRequestInput,
  objectId,
  siteQuery,
} from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import { AppError } from '../lib/errors.ts';
import type { TicketIntake } from '../tickets/ticket-intake.ts';
import type { ArticleService } from './article.service.ts';
import { renderMarkdown } from './markdown.ts';
import type { SearchIndex } from './search-index.ts';

/**
 * "Submit a request" (a Help Center form that creates a ticket; rate-limited in
 * security/http-limits.ts) and the console's article routes.
 */
export function helpCenterRoutes(route: DeclareRoute, deps: { intake: TicketIntake; articles: ArticleService; search: SearchIndex }) {
  const { articles } = deps;
  route('POST /api/helpcenter/requests', {
    summary: 'Submit a request; with a visitor token, replies also reach that widget',
    access: 'visitor-optional',
    body: helpCenterRequestInput,
    status: 201,
    handle: ({ visitor, body }) => deps.intake.fromHelpCenter(body, visitor),
  });

  route('GET /api/helpcenter/search', {
    summary: 'Search the published articles of an enabled Help Center (titles weigh more; prefixes and typos match)',
    access: 'public',
    query: hcSearchQuery,
    handle: async ({ query }) => {
      const site = query.site ?? DEFAULT_SITE;
      // Like the public site: a Help Center that is off does not exist.
      if (!(await articles.getSettings(site)).enabled) throw new AppError('not_found', 'No such Help Center');
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
