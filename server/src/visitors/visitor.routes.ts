import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { DEFAULT_SITE, siteKey, visitorSessionInput } from '@kamflo/shared';
import { parse } from '../lib/validate.ts';
import { AppError } from '../lib/errors.ts';
import type { SiteService } from '../sites/site.service.ts';
import type { Presence } from '../agents/presence.ts';
import type { VisitorIdentity, VisitorTokens } from './visitor-token.ts';

/** The visitor behind `Authorization: Bearer <token>`, null without one, an error for a bad one. */
export function visitorFromRequest(req: Request, tokens: VisitorTokens): VisitorIdentity | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const identity = tokens.verify(header.replace(/^Bearer\s+/i, ''));
  if (!identity) throw new AppError('unauthorized', 'Invalid visitor token');
  return identity;
}

export function visitorRoutes(deps: { tokens: VisitorTokens; sites: SiteService; presence: Presence }) {
  const r = Router();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 120,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'Too many requests; slow down')),
  });

  r.post('/api/visitors', limiter, async (req, res) => {
    const input = parse(visitorSessionInput, req.body ?? {});
    const site = await deps.sites.get(input.site ?? DEFAULT_SITE);
    res.status(201).json(deps.tokens.issue(site._id));
  });

  r.get('/api/widget/status', async (req, res) => {
    const key = parse(siteKey, req.query.site ?? DEFAULT_SITE);
    const site = await deps.sites.get(key);
    res.json({ site: site._id, siteName: site.name, agentsOnline: deps.presence.anyAvailable() });
  });

  return r;
}
