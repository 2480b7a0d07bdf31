import type {
  AgentDto,
  ConversationDto,
  DashboardCounts,
  HealthDto,
  TicketDetailDto,
  TicketDto,
} from './dto.ts';
import type {
  ConvertToTicketInput,
  HelpCenterRequestInput,
  ResolveTicketInput,
  SignInInput,
  TicketTextInput,
} from './schemas.ts';

/**
 * The HTTP API. Success bodies are the types below; errors are `{ error: ErrorBody }` with a 4xx/5xx status.
 * Agent routes use the httpOnly session cookie set by sign-in. Visitor routes take
 * `Authorization: Bearer <visitor token>`.
 */
export interface HttpApi {
  'GET /healthz': { res: HealthDto };
  // visitors
  /** First contact: a signed visitor token for this site. Body: { site? }. */
  'POST /api/visitors': { body: { site?: string }; res: { token: string; visitorId: string } };
  /** Widget start-up: whether anyone can answer now. Query: ?site= */
  'GET /api/widget/status': { res: { site: string; siteName: string; agentsOnline: boolean } };
  /** Help Center "submit a request". Visitor token optional (replies then also reach the widget). */
  'POST /api/helpcenter/requests': { body: HelpCenterRequestInput; res: { ticketNumber: number } };
  // agents
  'POST /api/auth/sign-in': { body: SignInInput; res: AgentDto };
  'POST /api/auth/sign-out': { res: { ok: true } };
  'GET /api/auth/me': { res: AgentDto };
  'POST /api/conversations/:id/ticket': { body: ConvertToTicketInput; res: TicketDto };
  'GET /api/conversations/:id': { res: ConversationDto };
  /** Sorted by SLA risk (soonest due first). Query: ?status=open|in_progress|resolved|closed */
  'GET /api/tickets': { res: TicketDto[] };
  'GET /api/tickets/:number': { res: TicketDetailDto };
  'POST /api/tickets/:number/replies': { body: TicketTextInput; res: TicketDetailDto };
  'POST /api/tickets/:number/notes': { body: TicketTextInput; res: TicketDetailDto };
  'POST /api/tickets/:number/resolve': { body: ResolveTicketInput; res: TicketDetailDto };
  'GET /api/dashboard': { res: DashboardCounts };
}
