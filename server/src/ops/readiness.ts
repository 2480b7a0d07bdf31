import type { Connection } from 'mongoose';
import type { ReadinessDto } from '@kamflo/shared';

/** How long a readiness probe waits for each dependency before calling it down. */
export const READY_TIMEOUT_MS = 1500;

/** Resolves with what `work` resolves, or rejects once `ms` have passed (the timer never holds the process). */
function within<T>(ms: number, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    timer.unref();
    work()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/**
 * Readiness: the database answers a ping, Redis too when configured, and this process is not
 * shutting down. Liveness (/healthz) asks none of this: a database outage is no reason to
 * restart every server process.
 */
export function createReadiness(deps: { conn: Connection; redis?: { ping(): Promise<unknown> }; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? READY_TIMEOUT_MS;
  let draining = false;

  async function up(check: () => Promise<unknown>): Promise<'up' | 'down'> {
    try {
      await within(timeoutMs, check);
      return 'up';
    } catch {
      return 'down';
    }
  }

  async function check(): Promise<ReadinessDto> {
    const { conn, redis } = deps;
    const [database, redisState] = await Promise.all([
      // A closed or never-opened connection is down at once: no ping to wait for.
      conn.readyState === 1 && conn.db ? up(() => conn.db!.admin().ping()) : ('down' as const),
      redis ? up(() => redis.ping()) : undefined,
    ]);
    const failed: ReadinessDto['failed'] = [];
    if (database === 'down') failed.push('database');
    if (redisState === 'down') failed.push('redis');
    if (draining) failed.push('draining');
    return {
      status: failed.length ? 'not_ready' : 'ready',
      failed,
      database,
      ...(redisState ? { redis: redisState } : {}),
      draining,
    };
  }

  return {
    check,
    /** Shutting down: readiness answers 503 from now on, so load balancers stop sending traffic. */
    drain() {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}
export type Readiness = ReturnType<typeof createReadiness>;
