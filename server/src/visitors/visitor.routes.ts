import { rateLimit } from 'express-rate-limit';
import { DEFAULT_SITE, siteKey, visitorSessionInput } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { SiteService } from '../sites/site.service.ts';
import type { Presence } from '../agents/presence.ts';
import type { VisitorTokens } from './visitor-token.ts';

export function visitorRoutes(route: DeclareRoute, deps: { tokens: VisitorTokens; sites: SiteService; presence: Presence; emailEnabled: () => boolean }) {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 120,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'Too many requests; slow down')),
  });

  route('POST /api/visitors', {
    summary: 'First contact: a signed visitor token for this site',
    access: 'public',
    before: [limiter],
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
