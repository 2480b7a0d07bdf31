import { helpCenterRequestInput } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { TicketIntake } from '../tickets/ticket-intake.ts';

/** "Submit a request": a Help Center form that creates a ticket (rate-limited in security/http-limits.ts). */
export function helpCenterRoutes(route: DeclareRoute, deps: { intake: TicketIntake }) {
  route('POST /api/helpcenter/requests', {
    summary: 'Submit a request; with a visitor token, replies also reach that widget',
    access: 'visitor-optional',
    body: helpCenterRequestInput,
    status: 201,
    handle: ({ visitor, body }) => deps.intake.fromHelpCenter(body, visitor),
  });
}
