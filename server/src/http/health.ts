import type { Connection } from 'mongoose';
import type { HealthDto } from '@kamflo/shared';
import type { DeclareRoute } from './api-routes.ts';

const STATES: Record<number, HealthDto['database']> = { 0: 'disconnected', 1: 'connected', 2: 'connecting', 3: 'disconnected' };

/** 200 while the database answers a ping, 503 otherwise. */
export function healthRoutes(route: DeclareRoute, conn: Connection) {
  route('GET /healthz', {
    summary: 'Liveness: 200 while the database answers a ping, 503 otherwise',
    access: 'public',
    handle: async ({ res }) => {
      let database = STATES[conn.readyState] ?? 'disconnected';
      if (database === 'connected') {
        try {
          await Promise.race([conn.db!.admin().ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 1500).unref())]);
        } catch {
          database = 'disconnected';
        }
      }
      if (database !== 'connected') res.status(503);
      return { status: database === 'connected' ? 'ok' : 'degraded', database };
    },
  });
}
