import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { helpCenterRequestInput } from '@kamflo/shared';
import { parse } from '../lib/validate.ts';
import { AppError } from '../lib/errors.ts';
import type { TicketService } from '../tickets/ticket.service.ts';
import { visitorFromRequest } from '../visitors/visitor.routes.ts';
import type { VisitorTokens } from '../visitors/visitor-token.ts';

/** "Submit a request": a Help Center form that creates a ticket. */
export function helpCenterRoutes(deps: { tickets: TicketService; tokens: VisitorTokens }) {
  const r = Router();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'Too many requests; wait a minute')),
  });
  r.post('/api/helpcenter/requests', limiter, async (req, res) => {
    const visitor = visitorFromRequest(req, deps.tokens);
    const input = parse(helpCenterRequestInput, req.body);
    res.status(201).json(await deps.tickets.fromHelpCenter(input, visitor));
  });
  return r;
}
