import { DEFAULT_SITE, siteKey, visitorIdParam, visitorSessionInput } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { SiteService } from '../sites/site.service.ts';
import type { Presence } from '../agents/presence.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import type { VisitorTokens } from './visitor-token.ts';
import { checkUser, verifiedVisitorId, type VisitorProfiles } from './identity.ts';

// New visitors are rate-limited per address in security/http-limits.ts.
export function visitorRoutes(
  route: DeclareRoute,
  deps: {
    tokens: VisitorTokens;
    sites: SiteService;
    presence: Presence;
    profiles: VisitorProfiles;
    clock: Clock;
    /** The server's secret: a verified user's visitor id derives from it (identity.ts). */
    serverSecret: string;
    emailEnabled: () => boolean;
    helpCenterEnabled: (site: string) => Promise<boolean>;
  },
) {
  route('POST /api/visitors', {
    summary:
      'First contact: a signed, expiring visitor token for this site. With `user`, its `hash` or `jwt` is checked against the site secret: a verified user gets the same visitor (and history) on every device; an unverified claim gets a visitor of its own, or `identity_unverified` (403) where the site requires verified identity',
    access: 'public',
    // Every field is optional, and so is the body.
    body: visitorSessionInput.default({}),
    status: 201,
    handle: async ({ body }) => {
      const site = await deps.sites.get(body.site ?? DEFAULT_SITE);
      if (!body.user) return deps.tokens.issue(site._id);
      const secret = await deps.sites.secretOf(site._id);
      const user = await checkUser(secret!, body.user, deps.clock.now());
      // Refused before anything is written: nothing is stored under an identity that did not verify.
      if (!user.verified && site.requireVerifiedIdentity)
        throw new AppError(
          'identity_unverified',
          'This site requires a verified identity: the user needs a valid hash or jwt (see the README, "Identity verification")',
        );
      const issued = user.verified
        ? await deps.tokens.renew({ site: site._id, visitorId: verifiedVisitorId(deps.serverSecret, site._id, user.id) })
        : await deps.tokens.issue(site._id);
      await deps.profiles.record(site._id, issued.visitorId, user);
      return { ...issued, verified: user.verified };
    },
  });

  route('GET /api/widget/status', {
    summary: 'Widget start-up: whether anyone can answer now',
    access: 'public',
    query: { site: siteKey.default(DEFAULT_SITE) },
    handle: async ({ query }) => {
      const site = await deps.sites.get(query.site);
      return {
        site: site._id,
        siteName: site.name,
        agentsOnline: deps.presence.anyAvailable(),
        emailEnabled: deps.emailEnabled(),
        helpCenter: await deps.helpCenterEnabled(site._id),
      };
    },
  });

  route('GET /api/visitor-profiles/:site/:visitorId', {
    summary: "Who a widget visitor is (the user the page signed in, verified or not) and the visitor's latest conversations and tickets",
    access: 'agent',
    permission: 'ticket.work',
    params: { site: siteKey, visitorId: visitorIdParam },
    handle: ({ params }) => deps.profiles.profile(params.site, params.visitorId),
  });
}
