import { siteIdentityInput, siteKey } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { SiteService } from './site.service.ts';

/** Admins: read and rotate a site's secret, and set its identity rule. `onRotated` revokes the site's tokens and sockets everywhere (app.ts). */
export function siteRoutes(route: DeclareRoute, deps: { sites: SiteService; onRotated: (site: string) => void }) {
  route('GET /api/admin/sites/:site/secret', {
    summary: "A site's secret (it signs the site's visitor tokens with the server's, and verifies visitor identity) and whether verified identity is required",
    access: 'agent',
    permission: 'sites.manage',
    params: { site: siteKey },
    handle: ({ params }) => deps.sites.getSecret(params.site),
  });
  route('POST /api/admin/sites/:site/secret', {
    summary: 'A new secret for the site: its visitor tokens, identity hashes and JWTs stop working at once and its visitors are disconnected',
    access: 'agent',
    permission: 'sites.manage',
    params: { site: siteKey },
    handle: async ({ params }) => {
      const rotated = await deps.sites.rotateSecret(params.site);
      deps.onRotated(rotated.site);
      return rotated;
    },
  });
  route('PUT /api/admin/sites/:site/identity', {
    summary: 'Require verified identity (or not): when on, a widget boot claiming a user without a valid hash or JWT is refused',
    access: 'agent',
    permission: 'sites.manage',
    params: { site: siteKey },
    body: siteIdentityInput,
    handle: ({ params, body }) => deps.sites.setIdentity(params.site, body.requireVerifiedIdentity),
  });
}
