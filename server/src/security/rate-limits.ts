import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Limit, RateLimits } from '../config.ts';
import type { Logger } from '../lib/logger.ts';

/**
 * Every rate limit of the server, built with rate-limiter-flexible. With Redis (REDIS_URL) the
 * counters live there, so a limit holds across every server process; should Redis fail, each
 * process falls back to counting in its own memory rather than refusing or allowing everything.
 * A key over its limit is then blocked in memory for the rest of its window, so a flood costs
 * no Redis round trip per refused event.
 */
export function createRateLimits(opts: { limits: RateLimits; redis?: Redis; keyPrefix: string; log: Logger }) {
  function limiter(name: string, limit: Limit): RateLimiterAbstract {
    const base = { points: limit.points, duration: limit.seconds, keyPrefix: `${opts.keyPrefix}:rl:${name}` };
    if (!opts.redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({
      ...base,
      storeClient: opts.redis,
      rejectIfRedisNotReady: true,
      inMemoryBlockOnConsumed: limit.points,
      insuranceLimiter: new RateLimiterMemory(base),
    });
  }
  const { limits } = opts;
  const limiters = {
    signIn: limiter('sign-in', limits.signIn),
    newVisitors: limiter('new-visitor', limits.newVisitors),
    publicTickets: limiter('public-ticket', limits.publicTickets),
    publicTicketsPerVisitor: limiter('public-ticket-visitor', {
      points: Math.max(1, Math.floor(limits.publicTickets.points / 4)),
      seconds: limits.publicTickets.seconds,
    }),
    visitorEvents: limiter('visitor-event', limits.visitorEvents),
    agentEvents: limiter('agent-event', limits.agentEvents),
    addressEvents: limiter('address-event', limits.addressEvents),
  };

  /**
   * Take one point from each (limiter, key) pair in turn, most specific first, stopping at the
   * first refusal: so a token flooding past its own limit is refused by it alone and does not
   * use up the limit of its address, which other visitors behind the same address share.
   */
  async function consume(...pairs: [RateLimiterAbstract, string][]): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    for (const [l, key] of pairs) {
      try {
        await l.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) return { ok: false, retryAfterMs: err.msBeforeNext };
        // Not a refusal: the store itself failed (no insurance limiter). Fail open, but say so.
        opts.log.warn({ err }, 'rate limiter failed');
      }
    }
    return { ok: true };
  }

  /** Has any of these keys used up its limit for now? Takes nothing (a handshake check). */
  async function over(...pairs: [RateLimiterAbstract, string][]): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    for (const [l, key] of pairs) {
      const res = await l.get(key).catch(() => null);
      if (res && res.consumedPoints >= l.points) return { ok: false, retryAfterMs: res.msBeforeNext };
    }
    return { ok: true };
  }

  return { ...limiters, consume, over };
}
export type RateLimitService = ReturnType<typeof createRateLimits>;
