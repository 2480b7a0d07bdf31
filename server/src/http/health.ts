import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { HealthDto } from '@kamflo/shared';

const STATES: Record<number, HealthDto['database']> = { 0: 'disconnected', 1: 'connected', 2: 'connecting', 3: 'disconnected' };

/** 200 while the database answers a ping, 503 otherwise. */
export function healthRoutes(conn: Connection) {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    let database = STATES[conn.readyState] ?? 'disconnected';
    if (database === 'connected') {
      try {
        await Promise.race([conn.db!.admin().ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 1500).unref())]);
      } catch {
        database = 'disconnected';
      }
    }
    const body: HealthDto = { status: database === 'connected' ? 'ok' : 'degraded', database };
    res.status(database === 'connected' ? 200 : 503).json(body);
  });
  return r;
}
