import { DEFAULT_SITE, siteKey, visitorSessionInput } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { SiteService } from '../sites/site.service.ts';
import type { Presence } from '../agents/presence.ts';
import type { VisitorTokens } from './visitor-token.ts';

// New visitors are rate-limited per address in security/http-limits.ts.
export function visitorRoutes(route: DeclareRoute, deps: { tokens: VisitorTokens; sites: SiteService; presence: Presence; emailEnabled: () => boolean }) {
  route('POST /api/visitors', {
    summary: 'First contact: a signed, expiring visitor token for this site',
    access: 'public',
    // Every field is optional, and so is the body.
    body: visitorSessionInput.default({}),
    status: 201,
    handle: async ({ body }) => {
      const site = await deps.sites.get(body.site ?? DEFAULT_SITE);
      return deps.tokens.issue(site._id);
    },
  });

  route('GET /api/widget/status', {
    summary: 'Widget start-up: whether anyone can answer now',
    access: 'public',
    query: { site: siteKey.default(DEFAULT_SITE) },
    handle: async ({ query }) => {
      const site = await deps.sites.get(query.site);
      return { site: site._id, siteName: site.name, agentsOnline: deps.presence.anyAvailable(), emailEnabled: deps.emailEnabled() };
    },
  });
}
