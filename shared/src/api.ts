import type { DeliveryDto, EmailStatusDto } from './channels.ts';
import type { VisitorProfileDto } from './dto.ts';
import type { SiteIdentityInput, VisitorSessionInput } from './schemas.ts';
import type { SocialHttpApi } from './social.ts';
import type {
  ApiTokenDto,
  CreatedApiTokenDto,
  CreatedWebhookDto,
  WebhookDeliveryDto,
  WebhookDto,
  AgentDto,
  ManagedAgentDto,
  AgentAuditEntryDto,
  SetPasswordLinkDto,
  AlertRulesDto,
  ChainVerificationDto,
  ConversationDto,
  NotificationDto,
  SlaSettingsDto,
  WeeklyTicketsDto,
  DashboardCounts,
  HealthDto,
  ReadinessDto,
  TicketDetailDto,
  TicketDto,
  TicketEventDto,
  TicketPage,
  SavedViewDto,
  TimelinePage,
  MessageDto,
  SiteSecretDto,
  VisitorTokenDto,
} from './dto.ts';
import type {
  CreateApiTokenInput,
  CreateWebhookInput,
  ChangePasswordInput,
  InviteAgentInput,
  SetPasswordInput,
  UpdateAgentInput,
  ConvertToTicketInput,
  HelpCenterRequestInput,
  ResolveTicketInput,
  SignInInput,
  TicketTextInput,
  AlertRulesInput,
  EmailSettingsInput,
  ApproveTicketInput,
  AssignTicketInput,
  CreateAgentInput,
  CreateTicketInput,
  EscalateTicketInput,
  NeedsApprovalInput,
  SlaSettingsInput,
  TicketCategoryInput,
  TicketTagsInput,
  SavedViewInput,
  TicketPriorityInput,
  TicketStatusInput,
} from './schemas.ts';
import type {
  ArticleCreateInput,
  ArticlePreviewInput,
  ArticleUpdateInput,
  HcArticleDetailDto,
  HcArticleDto,
  HcDeflectionDto,
  HcFeedbackInput,
  HcPublicArticleDto,
  HcSearchResultDto,
  HcSuggestedReadInput,
  HcSettingsDto,
  HcSettingsInput,
} from './helpcenter.ts';

/**
 * The HTTP API. Success bodies are the types below; errors are `{ error: ErrorBody, requestId }` with a 4xx/5xx status
 * (`requestId` is also the response's `X-Request-Id` header, and is in the server's log line).
 * Agent routes use the httpOnly session cookie set by sign-in; those with a scope in ROUTE_SCOPES
 * (permissions.ts) also take `Authorization: Bearer <API token>`. Visitor routes take
 * `Authorization: Bearer <visitor token>`.
 *
 * Two agent routes answer with something other than JSON and are linked from DTOs instead:
 * `GET /api/attachments/:id` (an attachment, always a download; `AttachmentDto.url`) and
 * `GET /api/tickets/:number/emails/:id/html` (an inbound mail's sanitized HTML as a document for
 * a sandboxed frame, `?remote=1` to load remote images; `InboundEmailDto.htmlUrl`).
 */
export interface HttpApi extends SocialHttpApi {
  /** Liveness: 200 while the process answers. */
  'GET /healthz': { res: HealthDto };
  /** Readiness: 200 while the database (and Redis, when configured) answer; 503 with the same body naming what failed, or while draining. */
  'GET /readyz': { res: ReadinessDto };
  // visitors
  /** First contact: a signed visitor token for this site. Body: { site?, user? } (the user with its hash or JWT). */
  'POST /api/visitors': { body: VisitorSessionInput; res: VisitorTokenDto };
  /** Widget start-up: whether anyone can answer now. Query: ?site= */
  'GET /api/widget/status': {
    res: {
      site: string;
      siteName: string;
      agentsOnline: boolean;
      /** Replies can reach visitors by email. */
      emailEnabled: boolean;
      /** The site's Help Center is enabled: the widget searches and suggests its articles. */
      helpCenter: boolean;
    };
  };
  /** Help Center "submit a request". Visitor token optional (replies then also reach the widget). */
  'POST /api/helpcenter/requests': { body: HelpCenterRequestInput; res: { ticketNumber: number } };
  /** Public: search the published articles of an enabled Help Center. Query: site, q, limit (1–50, default 10). */
  'GET /api/helpcenter/search': { res: { results: HcSearchResultDto[] } };
  /** Public: a published article of an enabled Help Center (an old slug answers with the article). Query: site. */
  'GET /api/helpcenter/public/articles/:slug': { res: HcPublicArticleDto };
  /** Public: "Was this helpful?" from the widget. Query: site. */
  'POST /api/helpcenter/public/articles/:slug/feedback': { body: HcFeedbackInput; res: { recorded: true } };
  /** Visitor token required: the visitor opened a suggested article (deflection counts). */
  'POST /api/helpcenter/suggested-reads': { body: HcSuggestedReadInput; res: { counted: boolean } };
  /** Agents: suggested-article reads that were followed by a request or chat, and those that were not. Query: site, days (1–90, default 30). */
  'GET /api/helpcenter/deflection': { res: HcDeflectionDto };
  // agents
  'POST /api/auth/sign-in': { body: SignInInput; res: AgentDto };
  'POST /api/auth/sign-out': { res: { ok: true } };
  'GET /api/auth/me': { res: AgentDto };
  /** Change your own password (needs the current one); every other session of yours ends. */
  'POST /api/auth/password': { body: ChangePasswordInput; res: { ok: true } };
  'POST /api/conversations/:id/ticket': { body: ConvertToTicketInput; res: TicketDto };
  'GET /api/conversations/:id': { res: ConversationDto };
  /**
   * A page of tickets (50 by default, `limit` up to 100), sorted by SLA risk (soonest due first),
   * `sort=newest` or `sort=updated`; `cursor` (the previous page's `next`) continues. Filters (all
   * optional, validated): status, priority, assignee (id or "none"), level, source, category,
   * queue=unaddressed (team leads and above) | past_due, tag. `q` searches (subject, requester
   * name and email, customer and agent messages; `#1234` is that ticket), ranked by relevance
   * and combined with the filters; `sort` does not apply to a search.
   */
  'GET /api/tickets': { res: TicketPage };
  'GET /api/tickets/:number': { res: TicketDetailDto };
  /** The ticket's history after `after` (a seq), `limit` at a time (1–500, default 100); `next` continues. */
  'GET /api/tickets/:number/events': { res: TimelinePage<TicketEventDto> };
  /** The chat transcript the ticket was made from, paged the same way. */
  'GET /api/tickets/:number/transcript': { res: TimelinePage<MessageDto> };
  'POST /api/tickets/:number/replies': { body: TicketTextInput; res: TicketDetailDto };
  'POST /api/tickets/:number/notes': { body: TicketTextInput; res: TicketDetailDto };
  'POST /api/tickets/:number/resolve': { body: ResolveTicketInput; res: TicketDetailDto };
  'GET /api/dashboard': { res: DashboardCounts };
  // Tickets as the handbook defines them
  /** Agent-created ticket for a customer, by email (source "agent"). */
  'POST /api/tickets': { body: CreateTicketInput; res: TicketDto };
  /** Open, In Progress or Closed (closing needs a reason); illegal transitions answer 409. */
  'POST /api/tickets/:number/status': { body: TicketStatusInput; res: TicketDetailDto };
  /** Take (unassigned or yours) or, with ticket.reassign, reassign. */
  'POST /api/tickets/:number/assign': { body: AssignTicketInput; res: TicketDetailDto };
  /** Recomputes slaDueAt from creation. */
  'POST /api/tickets/:number/priority': { body: TicketPriorityInput; res: TicketDetailDto };
  'POST /api/tickets/:number/category': { body: TicketCategoryInput; res: TicketDetailDto };
  /** Add and remove tags; recorded in the history as one tags_changed event. */
  'POST /api/tickets/:number/tags': { body: TicketTagsInput; res: TicketDetailDto };
  /** Your saved views and the shared ones, each with its count (capped). */
  'GET /api/views': { res: SavedViewDto[] };
  /** Save a view; `shared: true` needs views.share (team leads and above). */
  'POST /api/views': { body: SavedViewInput; res: SavedViewDto };
  /** Delete a view: your own, or (views.share) a shared one. */
  'DELETE /api/views/:id': { res: { ok: true } };
  /** The escalation checklist; 400 names every missing item. */
  'POST /api/tickets/:number/escalate': { body: EscalateTicketInput; res: TicketDetailDto };
  /** Flag: resolving needs a manager's approval. */
  'POST /api/tickets/:number/needs-approval': { body: NeedsApprovalInput; res: TicketDetailDto };
  /** Managers and admins (ticket.approve). */
  'POST /api/tickets/:number/approve': { body: ApproveTicketInput; res: TicketDetailDto };
  /** Opened vs resolved per ISO week, last 8 weeks. */
  'GET /api/dashboard/weekly': { res: WeeklyTicketsDto };
  'GET /api/settings/sla': { res: SlaSettingsDto };
  'PUT /api/settings/sla': { body: SlaSettingsInput; res: SlaSettingsDto };
  'GET /api/settings/alert-rules': { res: AlertRulesDto };
  'PUT /api/settings/alert-rules': { body: AlertRulesInput; res: AlertRulesDto };
  /** The signed-in agent's notifications, newest first. */
  'GET /api/notifications': { res: NotificationDto[] };
  'POST /api/notifications/:id/read': { res: NotificationDto };
  /** Every active agent (for assigning tickets; deactivated ones are left out). */
  'GET /api/agents': { res: AgentDto[] };
  /** Admins (agents.manage): a new agent who signs in with this email and password. */
  'POST /api/agents': { body: CreateAgentInput; res: AgentDto };
  // Agent management (agents.manage: admins; no API token scope)
  /** Every agent with role, capacity, level and whether active. */
  'GET /api/admin/agents': { res: ManagedAgentDto[] };
  /** The latest changes to agents' accounts (at most 200), newest first: who did what to whom. */
  'GET /api/admin/agents/audit': { res: AgentAuditEntryDto[] };
  /** A new agent without a usable password; the answer holds a one-time set-password link (7 days), shown this once. */
  'POST /api/agents/invite': { body: InviteAgentInput; res: SetPasswordLinkDto };
  /** Name, role, capacity (1–50, what routing uses) or level. The last active admin keeps the admin role. */
  'PATCH /api/agents/:id': { body: UpdateAgentInput; res: ManagedAgentDto };
  /** No sign-in; every session and open console of the agent ends at once; their tickets stay assigned. Not yourself, not the last admin. */
  'POST /api/agents/:id/deactivate': { res: ManagedAgentDto };
  'POST /api/agents/:id/reactivate': { res: ManagedAgentDto };
  /** The password stops working and every session ends; the answer holds a new one-time set-password link. */
  'POST /api/agents/:id/reset-password': { res: SetPasswordLinkDto };
  /** Public, rate-limited like sign-in: set a password with a one-time link's token (the link then stops working). */
  'POST /api/auth/set-password': { body: SetPasswordInput; res: { ok: true } };
  /** The email channel: whether each direction is connected, the acknowledgement switch, limits. */
  'GET /api/settings/email': { res: EmailStatusDto };
  /** Admins (sla.configure): switch the acknowledgement of new email tickets. */
  'PUT /api/settings/email': { body: EmailSettingsInput; res: EmailStatusDto };
  /** Send a failed delivery again (it goes back to the outbox). */
  'POST /api/tickets/:number/deliveries/:id/retry': { res: DeliveryDto };
  /** Admins: recompute a ticket's hash chain. */
  'GET /api/admin/tickets/:number/verify': { res: ChainVerificationDto };
  /** Admins: a site's secret (it signs the site's visitor tokens and verifies visitor identity), and its identity setting. */
  'GET /api/admin/sites/:site/secret': { res: SiteSecretDto };
  /** Admins: a new secret for the site; every visitor token of the site stops working at once. */
  'POST /api/admin/sites/:site/secret': { res: SiteSecretDto };
  /** Admins: whether a boot claiming a user needs a valid hash or JWT. */
  'PUT /api/admin/sites/:site/identity': { body: SiteIdentityInput; res: SiteSecretDto };
  /** Who a widget visitor is (the user the page signed in, verified or not) and their other conversations and tickets. */
  'GET /api/visitor-profiles/:site/:visitorId': { res: VisitorProfileDto };
  // Help Center articles (console). Query ?site= (default site when left out).
  /** Every article of the site, drafts included, newest change first. Query: site, status. */
  'GET /api/helpcenter/articles': { res: HcArticleDto[] };
  /** helpcenter.write: a new draft. */
  'POST /api/helpcenter/articles': { body: ArticleCreateInput; res: HcArticleDetailDto };
  'GET /api/helpcenter/articles/:id': { res: HcArticleDetailDto };
  /** helpcenter.write: save the draft (a new revision); a new slug leaves the old one redirecting. */
  'PUT /api/helpcenter/articles/:id': { body: ArticleUpdateInput; res: HcArticleDetailDto };
  /** helpcenter.publish: the draft becomes the public revision. */
  'POST /api/helpcenter/articles/:id/publish': { res: HcArticleDetailDto };
  /** helpcenter.publish: the article leaves the public site (its draft stays). */
  'POST /api/helpcenter/articles/:id/unpublish': { res: HcArticleDetailDto };
  /** helpcenter.write: Markdown rendered as the public site renders it. */
  'POST /api/helpcenter/preview': { body: ArticlePreviewInput; res: { html: string } };
  'GET /api/helpcenter/settings': { res: HcSettingsDto };
  /** helpcenter.configure. Query: site. */
  'PUT /api/helpcenter/settings': { body: HcSettingsInput; res: HcSettingsDto };
  // API tokens (api_tokens.manage: admins)
  /** Every API token, newest first, revoked ones included; never their secrets. */
  'GET /api/admin/api-tokens': { res: ApiTokenDto[] };
  /** A new token: the answer holds its secret, shown this once. */
  'POST /api/admin/api-tokens': { body: CreateApiTokenInput; res: CreatedApiTokenDto };
  /** The token stops working at once; it stays listed as revoked. */
  'POST /api/admin/api-tokens/:id/revoke': { res: ApiTokenDto };
  // Outgoing webhooks (webhooks.manage: admins)
  'GET /api/admin/webhooks': { res: WebhookDto[] };
  /** A new webhook; the answer holds its signing secret, shown this once. */
  'POST /api/admin/webhooks': { body: CreateWebhookInput; res: CreatedWebhookDto };
  /** The webhook and its pending deliveries go. */
  'DELETE /api/admin/webhooks/:id': { res: { ok: true } };
  /** The webhook's latest deliveries, newest first. */
  'GET /api/admin/webhooks/:id/deliveries': { res: WebhookDeliveryDto[] };
  /** Queue a `ping` delivery to the webhook, sent at once. */
  'POST /api/admin/webhooks/:id/test': { res: WebhookDeliveryDto };
}
