import type { Readiness } from '../ops/readiness.ts';
import type { DeclareRoute } from './api-routes.ts';

/** Liveness (/healthz: the process answers) and readiness (/readyz: it can serve, see ops/readiness.ts). */
export function healthRoutes(route: DeclareRoute, readiness: Readiness) {
  route('GET /healthz', {
    summary: 'Liveness: 200 while the process answers (it does not check the database)',
    access: 'public',
    handle: () => ({ status: 'ok' }),
  });
  route('GET /readyz', {
    summary: 'Readiness: 200 while the database and Redis (when configured) answer a ping; 503 naming what failed, or while shutting down',
    access: 'public',
    handle: async ({ res }) => {
      const ready = await readiness.check();
      if (ready.status !== 'ready') res.status(503);
      return ready;
    },
  });
}
