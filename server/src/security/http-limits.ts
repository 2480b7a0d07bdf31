import { Router, type RequestHandler } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../lib/errors.ts';
import type { RateLimitService } from './rate-limits.ts';

/** Express middleware: one point per request from `limiter`, keyed by `key(req)`; 429 with Retry-After past the limit. */
export function httpLimit(
  limits: RateLimitService,
  limiter: RateLimiterAbstract,
  message: string,
  key: (req: Parameters<RequestHandler>[0]) => string = (req) => req.ip ?? 'unknown',
): RequestHandler {
  return async (req, res, next) => {
    const r = await limits.consume([limiter, key(req)]);
    if (r.ok) return next();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))));
    next(new AppError('rate_limited', message));
  };
}

/**
 * The HTTP limits, per client address (`req.ip`, which KAMFLO_TRUST_PROXY makes the real one
 * behind a proxy). Mounted before the routes they guard, in one place.
 */
export function httpLimits(limits: RateLimitService) {
  const r = Router();
  r.post('/api/auth/sign-in', httpLimit(limits, limits.signIn, 'Too many sign-in attempts; wait a minute'));
  // Guessing the current password with a stolen session counts as signing in.
  r.post('/api/auth/password', httpLimit(limits, limits.signIn, 'Too many attempts; wait a minute'));
  // Guessing a set-password link's token counts as signing in.
  r.post('/api/auth/set-password', httpLimit(limits, limits.signIn, 'Too many attempts; wait a minute'));
  r.post('/api/visitors', httpLimit(limits, limits.newVisitors, 'Too many new visitors from your address; wait a minute'));
  r.post(['/api/helpcenter/requests', '/help/:site/request'], httpLimit(limits, limits.publicTickets, 'Too many requests from your address; try again later'));
  // Public search (API and the Help Center's page) counts against the address's event limit.
  r.get(['/api/helpcenter/search', '/help/:site/search'], httpLimit(limits, limits.addressEvents, 'Too many searches from your address; wait a moment'));
  // The widget's article answers and suggested reads count the same way.
  r.post(
    ['/api/helpcenter/public/articles/:slug/feedback', '/api/helpcenter/suggested-reads'],
    httpLimit(limits, limits.addressEvents, 'Too many requests from your address; wait a moment'),
  );
  return r;
}
