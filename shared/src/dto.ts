import type { Role } from './agents.ts';
import type { ApiScope, WebhookEvent } from './permissions.ts';
import type { CustomerReachDto, DeliveryDto, InboundEmailDto } from './channels.ts';
import type { SavedViewQuery } from './schemas.ts';
import type { SocialAttachmentDto, SocialChannel, SocialDeliveryDto } from './social.ts';
import type { AlertCondition, AlertRule, Category, EscalationLevel, Priority, TicketSource, TicketStatus } from './tickets.ts';

// What leaves the server. Plain JSON: ids are strings, dates are ISO strings.

export type MessageAuthor = 'visitor' | 'agent' | 'system';
export interface MessageDto {
  id: string;
  conversationId: string;
  clientId: string;
  /** Order within the conversation; strictly increasing, may have gaps. */
  seq: number;
  author: MessageAuthor;
  authorName?: string;
  text: string;
  createdAt: string;
  /** A social message's photos, files, audio or location (their description is in text too). */
  attachments?: SocialAttachmentDto[];
  /** An agent's message in a social conversation: where it stands with the provider. */
  social?: SocialDeliveryDto;
}

/**
 * queued: waiting for any agent; offered: waiting for one agent's answer; active: with an agent;
 * ended: over; ticket: turned into a ticket (later replies arrive through the ticket).
 */
export type ConversationStatus = 'queued' | 'offered' | 'active' | 'ended' | 'ticket';

/** What a visitor may know about their conversation. */
export interface VisitorConversationDto {
  id: string;
  status: ConversationStatus;
  agentName?: string;
  ticketNumber?: number;
  createdAt: string;
  /** How far the agent has read (on sync only): the widget shows "Seen" after a reload too. */
  agentReadSeq?: number;
  /** The status of the ticket it became (on sync, in the history and when it changes). */
  ticketStatus?: TicketStatus;
}

/** One of the visitor's conversations, as "Your conversations" in the widget lists it. */
export interface VisitorConversationSummaryDto {
  conversation: VisitorConversationDto;
  /** The newest message, its text cut to 200 characters. */
  last?: MessageDto;
  /** Agent messages after how far the visitor has read. */
  unread: number;
  /** The highest seq the visitor has read (their read receipts, from any device). */
  readSeq: number;
}

/** What an agent sees of a conversation. */
export interface ConversationDto extends VisitorConversationDto {
  /** Internal handoff notes from transfers: agents only. */
  handoffNotes?: { by: string; text: string; at: string }[];
  /** The conversation this one continues, when the visitor wrote again after an ended chat. */
  previousConversationId?: string;
  /** Highest seq the visitor has read. */
  visitorReadSeq?: number;
  visitorId: string;
  visitorName: string;
  site: string;
  /** The visitor's widget language when they started the chat (e.g. `de`). */
  locale?: string;
  page?: string;
  assignee?: AgentRef;
  firstMessage: string;
  waitingSince: string;
  /** Set for a social conversation (Telegram): where the customer writes from. */
  channel?: SocialChannel;
  /** The customer's handle there (e.g. @username). */
  handle?: string;
}

/** The visitor's place in the queue, live. */
export interface QueueStateDto {
  conversationId: string;
  position: number;
  etaSeconds: number;
  /** Waited longer than the queue timeout, or nobody is online: offer to leave a message. */
  offerLeaveMessage: boolean;
}

export type PresenceStatus = 'online' | 'away' | 'offline';
/** An agent's presence and load, for team leads. */
export interface AgentPresenceDto {
  id: string;
  name: string;
  role: Role;
  status: PresenceStatus;
  activeChats: number;
  capacity: number;
}

/** An incoming chat request in an agent's console. */
export interface ChatRequestDto {
  conversationId: string;
  visitorName: string;
  firstMessage: string;
  page?: string;
  waitingSince: string;
  /** 'offered' when offered to the agent receiving this; 'queued' when anyone may take it. */
  state: 'offered' | 'queued';
  /** When an offer to this agent lapses (state 'offered'). */
  offerExpiresAt?: string;
  /** Set when a colleague transferred the chat to this agent. */
  transferNote?: string;
  /** Who transferred it. */
  transferFrom?: string;
  /** Set for a social conversation (Telegram). */
  channel?: SocialChannel;
}

export interface AgentRef {
  id: string;
  name: string;
}
export interface AgentDto extends AgentRef {
  email: string;
  role: Role;
}

/** An agent as admins manage them (GET /api/admin/agents). */
export interface ManagedAgentDto extends AgentDto {
  /** Most live chats at once: routing offers no more. */
  capacity: number;
  level: EscalationLevel;
  /** False once deactivated: no sign-in, every session ended. */
  active: boolean;
  createdAt: string;
}

/** One change to an agent's account (GET /api/admin/agents/audit), newest first. */
export interface AgentAuditEntryDto {
  id: string;
  at: string;
  action: 'invite' | 'update' | 'deactivate' | 'reactivate' | 'reset-password' | 'set-password' | 'change-password';
  /** The admin who made the change; absent when the agent did it (a password set by link). */
  actor?: { id: string; email: string };
  agent: { id: string; email: string };
  /** The new values (name, role, capacity, level); never a password. */
  change?: Record<string, string | number>;
}

/** An invitation or a password reset: the one-time set-password link, shown this once. */
export interface SetPasswordLinkDto {
  agent: ManagedAgentDto;
  /** The console page that sets the password (relative to the server unless KAMFLO_PUBLIC_URL is set). */
  url: string;
  token: string;
  expiresAt: string;
}

export interface TicketDto {
  id: string;
  number: number;
  subject: string;
  priority: Priority;
  category: Category;
  status: TicketStatus;
  source: TicketSource;
  requester: { name?: string; email?: string };
  assignee?: AgentRef;
  conversationId?: string;
  /** The widget visitor behind the ticket (from a chat or a Help Center request with a visitor token). */
  site?: string;
  visitorId?: string;
  createdAt: string;
  updatedAt: string;
  slaDueAt: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  /** Escalation level: L1 support agents, L2 technical team, L3 management. */
  level: EscalationLevel;
  /** Set when resolving needs a manager's approval (policy exception, financial implication). */
  needsApproval?: boolean;
  approvalReason?: string;
  approvedBy?: AgentRef;
  approvedAt?: string;
  closedAt?: string;
  /** The last customer-facing message from the team (reply, escalation update, closing message). */
  lastCustomerUpdateAt?: string;
  /** Tags, in the order they were added (absent when none). */
  tags?: string[];
}

export type TicketEventType =
  | 'created'
  | 'reply'
  | 'note'
  | 'customer_message'
  | 'status_changed'
  | 'assigned'
  | 'resolved'
  | 'priority_changed'
  | 'category_changed'
  | 'escalated'
  | 'approval_requested'
  | 'approved'
  | 'sla_alert'
  /** data: { added, removed } (comma-separated tag names, either may be empty). */
  | 'tags_changed';

export interface TicketEventDto {
  id: string;
  seq: number;
  type: TicketEventType;
  actor: { kind: 'agent' | 'customer' | 'system'; id?: string; name?: string };
  /** Reply, note or customer text. */
  text?: string;
  from?: TicketStatus;
  to?: TicketStatus;
  /** Details of the change, e.g. { from: 'high', to: 'critical' } for a priority change. */
  data?: Record<string, string>;
  at: string;
}

export interface TicketDetailDto extends TicketDto {
  /** The detail has the latest 500 events; this many came before them (GET /api/tickets/:number/events?after=0&limit=…). */
  earlierEvents?: number;
  /** The same for a long transcript: GET /api/tickets/:number/transcript?after=<transcriptNext>. */
  transcriptNext?: number;
  /** The chat as it stood when the ticket was made. */
  transcript: MessageDto[];
  events: TicketEventDto[];
  /** Delivery state of each customer-facing message, per channel (joined by event seq). */
  deliveries?: DeliveryDto[];
  /** Inbound emails on this ticket: original text, sanitized HTML, attachments (joined by event seq). */
  emails?: InboundEmailDto[];
  /** Which channels reach the customer now; none means replies are refused. */
  reach?: CustomerReachDto;
}

export interface DashboardCounts {
  highPriority: number;
  open: number;
  inProgress: number;
  resolved: number;
}

/** Liveness: the process answers (it does not look at the database). */
export interface HealthDto {
  status: 'ok';
}

/** Readiness: whether this process should get traffic, and what stops it when not. */
export interface ReadinessDto {
  status: 'ready' | 'not_ready';
  /** What failed: the database (ping), Redis (when configured), or this process is shutting down. */
  failed: ('database' | 'redis' | 'draining')[];
  database: 'up' | 'down';
  /** Only when REDIS_URL is set. */
  redis?: 'up' | 'down';
  draining: boolean;
}

/** An alert for one agent (SLA alerts, re-opened tickets). */
export interface NotificationDto {
  id: string;
  /** customer_wrote: a customer wrote on a closed ticket (it stays closed). */
  kind: 'sla_alert' | 'reopened' | 'customer_wrote';
  ticketNumber: number;
  text: string;
  ruleId?: string;
  condition?: AlertCondition;
  createdAt: string;
  read: boolean;
}

/** First-response windows in hours, per priority. */
export type SlaSettingsDto = Record<Priority, number>;
export interface AlertRulesDto {
  rules: AlertRule[];
}

export interface WeeklyTicketsDto {
  /** The last 8 ISO weeks, oldest first. */
  weeks: { week: string; opened: number; resolved: number }[];
}

/** The result of recomputing a ticket's hash chain. */
/** One page of the ticket list; `next` is the cursor of the page after it, absent on the last. */
export interface TicketPage {
  tickets: TicketDto[];
  next?: string;
  /**
   * Search only: every word of the query is in more tickets than a search reads (SEARCH_WORD_CAP),
   * so the results are among the newest of those tickets, not all of them.
   */
  partial?: true;
}

/** A saved view of the ticket list, personal or shared with the team. */
export interface SavedViewDto {
  id: string;
  name: string;
  shared: boolean;
  owner: AgentRef;
  /** The list's filters; assignee "me" means whoever opens the view. */
  query: SavedViewQuery;
  /** Tickets in the view now, counted up to SAVED_VIEW_COUNT_CAP; `more` when there are more than that. */
  count: number;
  more?: true;
  /** Whether the signed-in agent may delete it (its owner; a shared one also anyone who may share views). */
  canDelete: boolean;
}

/** One page of a ticket's timeline; `next` is the seq to continue after, absent at the end. */
export interface TimelinePage<T> {
  items: T[];
  next?: number;
}

export interface ChainVerificationDto {
  number: number;
  events: number;
  ok: boolean;
  /** The first event whose hash does not hold (or that is missing, or whose state the ticket no longer has). */
  brokenSeq?: number;
  /** altered: the event was edited; missing: events were removed; ticket_altered: the ticket's `field` was edited; before_migration: the unkeyed chain of an earlier version was already broken here. */
  reason?: 'altered' | 'missing' | 'ticket_altered' | 'before_migration';
  field?: 'status' | 'assignee' | 'priority' | 'level' | 'requesterName' | 'requesterEmail';
}

/** A visitor's signed token: `Authorization: Bearer` on HTTP, `auth.token` on the /visitor socket. */
export interface VisitorTokenDto {
  token: string;
  visitorId: string;
  /** When the boot claimed a user: whether the hash or JWT proved it. */
  verified?: boolean;
  /** After this the server refuses it; the server hands a connected widget a fresh one well before. */
  expiresAt: string;
}

/** A site's secret, for admins. */
export interface SiteSecretDto {
  site: string;
  /** 32 random bytes, base64url. It also proves visitors' identity (HMAC-SHA256 hash or HS256 JWT). */
  secret: string;
  rotatedAt: string;
  /** A boot claiming a user without a valid hash or JWT is refused (`identity_unverified`). */
  requireVerifiedIdentity: boolean;
}

/** The user a page signed the widget in with, as agents see them. */
export interface VisitorUserDto {
  id: string;
  email?: string;
  name?: string;
  /** Proved by a hash or JWT under the site's secret; false: only claimed by the page. */
  verified: boolean;
}

/** Who a conversation's or ticket's visitor is, and what else they have with us (agents). */
export interface VisitorProfileDto {
  site: string;
  visitorId: string;
  /** None: an anonymous visitor. */
  user?: VisitorUserDto;
  /** The visitor's conversations, newest first (at most 20). A verified user's include every device's. */
  conversations: { id: string; status: ConversationStatus; firstMessage: string; createdAt: string; ticketNumber?: number }[];
  /** The visitor's tickets, newest first (at most 20). */
  tickets: { id: string; number: number; subject: string; status: TicketStatus; createdAt: string }[];
}

/** An API token as admins see it: never its secret. */
export interface ApiTokenDto {
  id: string;
  name: string;
  scopes: ApiScope[];
  /** The secret's first characters (`kf_` and 8 more), to tell tokens apart. */
  prefix: string;
  createdAt: string;
  createdBy: AgentRef;
  /** Updated at most once a minute. */
  lastUsedAt?: string;
  revokedAt?: string;
}

/** A new token: the only time its secret is shown. */
export interface CreatedApiTokenDto {
  token: ApiTokenDto;
  secret: string;
}

/** An outgoing webhook as admins see it (its secret only once, at creation). */
export interface WebhookDto {
  id: string;
  url: string;
  events: WebhookEvent[];
  description?: string;
  createdAt: string;
}

export interface CreatedWebhookDto {
  webhook: WebhookDto;
  /** Signs every delivery (`Kamflo-Signature`); shown this once. */
  secret: string;
}

/** One event for one webhook, with how its sending went. */
export interface WebhookDeliveryDto {
  id: string;
  /** Stable across retries: receivers deduplicate by it. */
  eventId: string;
  event: WebhookEvent | 'ping';
  state: 'queued' | 'retrying' | 'sent' | 'failed';
  attempts: number;
  /** The HTTP status of the last attempt, when one answered. */
  responseStatus?: number;
  error?: string;
  nextAttemptAt?: string;
  createdAt: string;
  updatedAt: string;
}
