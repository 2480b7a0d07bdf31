import { rateLimit } from 'express-rate-limit';
import { helpCenterRequestInput } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { TicketIntake } from '../tickets/ticket-intake.ts';

/** "Submit a request": a Help Center form that creates a ticket. */
export function helpCenterRoutes(route: DeclareRoute, deps: { intake: TicketIntake }) {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'Too many requests; wait a minute')),
  });
  route('POST /api/helpcenter/requests', {
    summary: 'Submit a request; with a visitor token, replies also reach that widget',
    access: 'visitor-optional',
    before: [limiter],
    body: helpCenterRequestInput,
    status: 201,
    handle: ({ visitor, body }) => deps.intake.fromHelpCenter(body, visitor),
  });
}
