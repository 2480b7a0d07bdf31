import { siteKey } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { SiteService } from './site.service.ts';

/** Admins: read and rotate a site's secret. `onRotated` revokes the site's tokens and sockets everywhere (app.ts). */
export function siteRoutes(route: DeclareRoute, deps: { sites: SiteService; onRotated: (site: string) => void }) {
  route('GET /api/admin/sites/:site/secret', {
    summary: "A site's secret: it signs the site's visitor tokens (with the server's) and will verify visitor identity",
    access: 'agent',
    permission: 'sites.manage',
    params: { site: siteKey },
    handle: ({ params }) => deps.sites.getSecret(params.site),
  });
  route('POST /api/admin/sites/:site/secret', {
    summary: 'A new secret for the site: its visitor tokens stop working at once and its visitors are disconnected',
    access: 'agent',
    permission: 'sites.manage',
    params: { site: siteKey },
    handle: async ({ params }) => {
      const rotated = await deps.sites.rotateSecret(params.site);
      deps.onRotated(rotated.site);
      return rotated;
    },
  });
}
