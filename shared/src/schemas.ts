import { z } from 'zod';
import { ALERT_CONDITIONS, ALERT_RECIPIENTS, CATEGORIES, ESCALATION_LEVELS, NEXT_STEPS, PRIORITIES, TICKET_SOURCES, TICKET_STATUSES } from './tickets.ts';
import { MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH, MAX_TICKET_TAGS, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './limits.ts';
import { AGENT_CAPACITY_MAX, ROLES } from './agents.ts';
import { API_SCOPES, WEBHOOK_EVENTS } from './permissions.ts';

// Input schemas: every request and socket event is parsed with one of these at the edge.
// Types are inferred from them, never written twice.

export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id');
/** Client-generated message id: the key that makes retries idempotent. */
export const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, _ or -');

// Text as people write it, made storable. PostgreSQL (under FerretDB) cannot store U+0000 at all
// (the insert fails), and a lone UTF-16 surrogate is not valid UTF-8 (the driver would store
// U+FFFD instead of what was acknowledged). So every text field goes through one of these:
// prose is normalised (lone surrogates become U+FFFD; control characters other than tab and
// line breaks are dropped: invisible, and pasted terminal output is full of them), while
// one-line identity fields (names) refuse control characters and line breaks outright, with an
// error naming the field, since silently changing a name would mislead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters we remove
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters we refuse
const CONTROL_OR_LINE_BREAK = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;
const wellFormed = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD');
/** Prose (messages, notes, reasons): lone surrogates → U+FFFD, controls but tab and line breaks removed. */
export const cleanProse = (s: string) => wellFormed(s).replace(CONTROL_EXCEPT_LINES, '');
/** One line (subjects, page addresses): line breaks and tabs become spaces, other controls removed. */
export const cleanLine = (s: string) =>
  wellFormed(s)
    .replace(/[\t\n\r\u2028\u2029]+/g, ' ')
    .replace(CONTROL_OR_LINE_BREAK, '');
const text = (max: number) => z.string().overwrite(cleanProse).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const line = (max: number) => z.string().overwrite(cleanLine).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const messageText = text(MAX_MESSAGE_LENGTH);
const noControls = (s: string) => !new RegExp(CONTROL_OR_LINE_BREAK.source).test(s);
const email = z
  .string()
  .trim()
  .toLowerCase()
  .refine(noControls, 'must be an email address')
  .pipe(z.email('must be an email address'))
  .pipe(z.string().max(254));
/** Agents may sign in with local addresses such as admin@localhost, so only the shape is checked. */
const agentEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
  .refine(noControls, 'must be an email address');
const personName = z
  .string()
  .overwrite(wellFormed)
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .refine(noControls, 'must not contain control characters or line breaks');
const pageUrl = z.string().overwrite(cleanLine).pipe(z.string().max(2000)).optional();

// Visitors
export const chatStartInput = z.strictObject({
  clientId,
  text: messageText,
  page: pageUrl,
  name: personName.optional(),
  /** The widget's language (a BCP 47 tag such as `de` or `pt-BR`): agents see it. */
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as de or pt-BR')
    .optional(),
});
export const chatMessageInput = z.strictObject({ conversationId: objectId, clientId, text: messageText });
export const chatSyncInput = z.strictObject({
  conversationId: objectId.optional(),
  afterSeq: z.number().int().min(0).optional(),
  /** The page the visitor is on now: their agent sees it change as they browse. */
  page: pageUrl,
});
export const leaveMessageInput = z.strictObject({
  conversationId: objectId.optional(),
  name: personName.optional(),
  email,
  text: messageText,
});
export const helpCenterRequestInput = z.strictObject({
  name: personName,
  email,
  subject: line(MAX_SUBJECT_LENGTH),
  message: messageText,
  category: z.enum(CATEGORIES).optional(),
  /** The Help Center site it was sent from (the visitor token's site wins). */
  site: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'must be a site key')
    .optional(),
  /** The slug of the article the visitor read before asking. */
  article: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be an article slug')
    .max(80)
    .optional(),
  /** The search (or suggestion) that led here: the deflection report counts it as not deflected. */
  searchId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,40}$/, 'must be a search id')
    .optional(),
});
export const siteKey = z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a site key');
/**
 * The signed-in user a page boots the widget with. `hash` (hex HMAC-SHA256 of `id` under the
 * site's secret) or `jwt` (HS256 under the site's secret) proves it; without either it is a claim.
 */
export const widgetUser = z.strictObject({
  id: z
    .string()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine(noControls, 'must not contain control characters or line breaks'),
  email: email.optional(),
  name: personName.optional(),
  hash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (HMAC-SHA256)')
    .optional(),
  jwt: z.string().min(1).max(4096, 'must be at most 4096 characters').optional(),
});
export const visitorSessionInput = z.strictObject({ site: siteKey.optional(), user: widgetUser.optional() });
export type WidgetUserInput = z.infer<typeof widgetUser>;
/** A visitor id as tokens carry it (path parameter of the agents' visitor profile). */
export const visitorIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a visitor id');
export type VisitorSessionInput = z.infer<typeof visitorSessionInput>;
/** Admins: the site's identity settings. */
export const siteIdentityInput = z.strictObject({ requireVerifiedIdentity: z.boolean() });
export type SiteIdentityInput = z.infer<typeof siteIdentityInput>;

// Agents
const newPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
export const signInInput = z.strictObject({ email: agentEmail, password: z.string().min(1, 'must not be empty').max(PASSWORD_MAX_LENGTH) });
export const conversationRef = z.strictObject({ conversationId: objectId });
/** "Your conversations": nothing to say yet (the widget may send no input at all). */
export const historyInput = z.union([z.strictObject({}), z.undefined()]);
export const agentSyncInput = z.strictObject({ conversationId: objectId, afterSeq: z.number().int().min(0).optional() });
export const createAgentInput = z.strictObject({
  email: agentEmail,
  name: personName,
  role: z.enum(ROLES),
  /** Length only here; the server also refuses the most common passwords. */
  password: newPassword,
});
const agentCapacity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(AGENT_CAPACITY_MAX, `must be at most ${AGENT_CAPACITY_MAX}`);
/** Admins: invite an agent, who sets their own password through a one-time link. */
export const inviteAgentInput = z.strictObject({
  email: agentEmail,
  name: personName,
  role: z.enum(ROLES),
  capacity: agentCapacity.optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
});
/** Admins: change an agent (only the fields given). */
export const updateAgentInput = z.strictObject({
  name: personName.optional(),
  role: z.enum(ROLES).optional(),
  capacity: agentCapacity.optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
});
/** The one-time set-password link's token and the new password. */
export const setPasswordInput = z.strictObject({ token: z.string().min(1, 'must not be empty').max(200), password: newPassword });
export const changePasswordInput = z.strictObject({
  currentPassword: z.string().min(1, 'must not be empty').max(PASSWORD_MAX_LENGTH),
  newPassword,
});

// Tickets
export const priority = z.enum(PRIORITIES);
export const category = z.enum(CATEGORIES);
export const convertToTicketInput = z.strictObject({
  subject: line(MAX_SUBJECT_LENGTH),
  priority,
  category,
});
export const ticketNumberParam = z.coerce.number().int().min(1).max(1e12);
export const ticketTextInput = z.strictObject({ text: messageText });
export const resolveTicketInput = z.strictObject({ closingMessage: messageText });

// Live chat (issue: routing, presence, delivery)
export const AGENT_STATUSES = ['online', 'away'] as const;
export const agentStatusInput = z.strictObject({ status: z.enum(AGENT_STATUSES) });
export const typingInput = z.strictObject({ conversationId: objectId, typing: z.boolean() });
export const readInput = z.strictObject({ conversationId: objectId, seq: z.number().int().min(0) });
export const transferInput = z.strictObject({
  conversationId: objectId,
  /** Omitted: back to the queue. */
  toAgentId: objectId.optional(),
  note: text(2000),
});
export const assignChatInput = z.strictObject({ conversationId: objectId, agentId: objectId });

export type AgentStatusInput = z.infer<typeof agentStatusInput>;
export type TypingInput = z.infer<typeof typingInput>;
export type ReadInput = z.infer<typeof readInput>;
export type TransferInput = z.infer<typeof transferInput>;
export type AssignChatInput = z.infer<typeof assignChatInput>;

export type ChatStartInput = z.infer<typeof chatStartInput>;
export type ChatMessageInput = z.infer<typeof chatMessageInput>;
export type ChatSyncInput = z.infer<typeof chatSyncInput>;
export type LeaveMessageInput = z.infer<typeof leaveMessageInput>;
export type HelpCenterRequestInput = z.infer<typeof helpCenterRequestInput>;
export type SignInInput = z.infer<typeof signInInput>;
export type ConversationRef = z.infer<typeof conversationRef>;
export type HistoryInput = z.infer<typeof historyInput>;
export type AgentSyncInput = z.infer<typeof agentSyncInput>;
export type CreateAgentInput = z.infer<typeof createAgentInput>;
export type InviteAgentInput = z.infer<typeof inviteAgentInput>;
export type UpdateAgentInput = z.infer<typeof updateAgentInput>;
export type SetPasswordInput = z.infer<typeof setPasswordInput>;
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
export type ConvertToTicketInput = z.infer<typeof convertToTicketInput>;
export type TicketTextInput = z.infer<typeof ticketTextInput>;
export type ResolveTicketInput = z.infer<typeof resolveTicketInput>;

// Tickets as the handbook defines them (lifecycle, assignment, SLA, escalation, approval, alerts)
const reasonText = text(2000);
export const createTicketInput = z.strictObject({
  requesterEmail: email,
  requesterName: personName.optional(),
  subject: line(MAX_SUBJECT_LENGTH),
  message: messageText,
  priority,
  category,
});
export const ticketStatusInput = z.strictObject({ to: z.enum(TICKET_STATUSES), reason: reasonText.optional() }).superRefine((v, ctx) => {
  if (v.to === 'closed' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'closing a ticket needs a reason (spam, duplicate, …)' });
  if (v.to === 'resolved') ctx.addIssue({ code: 'custom', path: ['to'], message: 'resolve with a closing message (POST /api/tickets/:number/resolve)' });
});
export const assignTicketInput = z.strictObject({ agentId: objectId });
export const ticketPriorityInput = z.strictObject({ priority });
export const ticketCategoryInput = z.strictObject({ category });

/**
 * The handbook's escalation checklist. Every item is checked in one pass, so a refusal names
 * everything that is missing, not just the first.
 */
const loose = (max: number) => z.string().overwrite(cleanProse).max(max, `must be at most ${max} characters`).optional();
export const escalateTicketInput = z
  .strictObject({
    tried: loose(MAX_MESSAGE_LENGTH),
    customerContext: loose(MAX_MESSAGE_LENGTH),
    nextStep: z.enum(NEXT_STEPS).optional(),
    nextStepDetails: loose(2000),
    priority: priority.optional(),
    category: category.optional(),
    customerUpdate: loose(MAX_MESSAGE_LENGTH),
    useDefaultCustomerUpdate: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    const missing = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!v.tried?.trim()) missing('tried', 'what was already tried');
    if (!v.customerContext?.trim()) missing('customerContext', "the customer's context");
    if (!v.nextStep) missing('nextStep', 'what the next level must do (investigate, fix, approve or call)');
    if (!v.nextStepDetails?.trim()) missing('nextStepDetails', 'the details of what the next level must do');
    if (!v.priority) missing('priority', 'a confirmed priority');
    if (!v.category) missing('category', 'a category');
    if (!v.customerUpdate?.trim() && v.useDefaultCustomerUpdate !== true)
      missing('customerUpdate', 'an update for the customer (write one or accept the default)');
  })
  .transform((v) => ({
    tried: v.tried!.trim(),
    customerContext: v.customerContext!.trim(),
    nextStep: v.nextStep!,
    nextStepDetails: v.nextStepDetails!.trim(),
    priority: v.priority!,
    category: v.category!,
    customerUpdate: v.customerUpdate?.trim() || undefined,
  }));
export const needsApprovalInput = z.strictObject({ reason: reasonText });
export const approveTicketInput = z.strictObject({ note: reasonText.optional() });

const slaHours = z
  .number()
  .positive('must be more than 0 hours')
  .max(24 * 365, 'must be at most a year');
export const slaSettingsInput = z.strictObject({ critical: slaHours, high: slaHours, medium: slaHours, low: slaHours });
export const alertRuleInput = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be 1–40 lowercase letters, digits or -'),
    priorities: z.array(priority).min(1, 'must name at least one priority'),
    condition: z.enum(ALERT_CONDITIONS),
    hours: slaHours.optional(),
    notify: z.array(z.enum(ALERT_RECIPIENTS)).min(1, 'must name at least one recipient'),
  })
  .superRefine((v, ctx) => {
    if (v.condition !== 'past_due' && v.hours === undefined)
      ctx.addIssue({ code: 'custom', path: ['hours'], message: `${v.condition} needs a number of hours` });
  });
export const alertRulesInput = z.strictObject({ rules: z.array(alertRuleInput).max(50) }).superRefine((v, ctx) => {
  const ids = v.rules.map((r) => r.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${id}` });
  });
});

export const emailSettingsInput = z.strictObject({ acknowledge: z.boolean() });
export type EmailSettingsInput = z.infer<typeof emailSettingsInput>;
/** A delivery id: `<ticket id>:<event seq>:<channel>`. */
export const deliveryIdParam = z.string().regex(/^[0-9a-f]{24}:\d{1,9}:[a-z]{2,20}$/, 'must be a delivery id');

export const TICKET_QUEUES = ['unaddressed', 'past_due'] as const;
/** A tag: lowercase letters, digits, - and _, starting with a letter or digit (stored lowercased). */
export const tagName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}_-]{0,31}$/u, 'must be 1–32 letters, digits, - or _ (no spaces), starting with a letter or digit');
const searchText = z.string().overwrite(cleanLine).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const TICKET_SORTS = ['sla', 'newest', 'updated'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];
export const ticketListQuery = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  priority: priority.optional(),
  /** An agent id, or "none" for unassigned tickets. */
  assignee: z.union([objectId, z.literal('none')]).optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
  source: z.enum(TICKET_SOURCES).optional(),
  category: category.optional(),
  /** Tickets carrying this tag. */
  tag: tagName.optional(),
  queue: z.enum(TICKET_QUEUES).optional(),
  /** Full-text search (subject, requester, messages) or `#<number>`; results are ranked by relevance, not `sort`. */
  q: searchText.optional(),
  /** sla (default): soonest due first; newest: created, newest first; updated: last changed first. */
  sort: z.enum(TICKET_SORTS).optional(),
  /** From the previous page's `next`. */
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** Add and remove tags (each at most once); a ticket carries at most MAX_TICKET_TAGS. */
export const ticketTagsInput = z
  .strictObject({
    add: z.array(tagName).max(MAX_TICKET_TAGS).default([]),
    remove: z.array(tagName).max(MAX_TICKET_TAGS).default([]),
  })
  .superRefine((v, ctx) => {
    if (!v.add.length && !v.remove.length) ctx.addIssue({ code: 'custom', path: ['add'], message: 'name a tag to add or remove' });
    for (const t of v.add) if (v.remove.includes(t)) ctx.addIssue({ code: 'custom', path: ['remove'], message: `${t} is both added and removed` });
  })
  .transform((v) => ({ add: [...new Set(v.add)], remove: [...new Set(v.remove)] }));
export type TicketTagsInput = z.input<typeof ticketTagsInput>;

/**
 * A saved view's filters: the list's own (no cursor or limit), with assignee "me" meaning
 * whoever opens the view.
 */
export const savedViewQuery = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  priority: priority.optional(),
  assignee: z.union([objectId, z.literal('none'), z.literal('me')]).optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
  source: z.enum(TICKET_SOURCES).optional(),
  category: category.optional(),
  tag: tagName.optional(),
  queue: z.enum(TICKET_QUEUES).optional(),
  q: searchText.optional(),
  sort: z.enum(TICKET_SORTS).optional(),
});
export type SavedViewQuery = z.infer<typeof savedViewQuery>;
export const savedViewInput = z.strictObject({
  name: line(60),
  /** Shared with the whole team (team leads and above, views.share); personal otherwise. */
  shared: z.boolean().default(false),
  query: savedViewQuery,
});
export type SavedViewInput = z.input<typeof savedViewInput>;

export type CreateTicketInput = z.infer<typeof createTicketInput>;
export type TicketStatusInput = z.infer<typeof ticketStatusInput>;
export type AssignTicketInput = z.infer<typeof assignTicketInput>;
export type TicketPriorityInput = z.infer<typeof ticketPriorityInput>;
export type TicketCategoryInput = z.infer<typeof ticketCategoryInput>;
/** What the console sends (all checklist items, possibly incomplete). */
export type EscalateTicketInput = z.input<typeof escalateTicketInput>;
/** What the server acts on, once the checklist is complete. */
export type Escalation = z.output<typeof escalateTicketInput>;
export type NeedsApprovalInput = z.infer<typeof needsApprovalInput>;
export type ApproveTicketInput = z.infer<typeof approveTicketInput>;
export type SlaSettingsInput = z.infer<typeof slaSettingsInput>;
export type AlertRulesInput = z.infer<typeof alertRulesInput>;
export type TicketListQuery = z.infer<typeof ticketListQuery>;

// API tokens
export const createApiTokenInput = z.strictObject({
  /** What the token is for, e.g. "CRM sync". */
  name: personName.pipe(z.string().max(60, 'must be at most 60 characters')),
  scopes: z
    .array(z.enum(API_SCOPES, `must be one of ${API_SCOPES.join(', ')}`))
    .min(1, 'must name at least one scope')
    .refine((s) => new Set(s).size === s.length, 'must not repeat a scope'),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>;

// Outgoing webhooks
export const createWebhookInput = z.strictObject({
  /** https:// (http://localhost too when the server allows it: the server checks that). */
  url: z
    .string()
    .trim()
    .max(2000, 'must be at most 2000 characters')
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an https:// URL' })),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, `must be one of ${WEBHOOK_EVENTS.join(', ')}`))
    .min(1, 'must name at least one event')
    .refine((s) => new Set(s).size === s.length, 'must not repeat an event'),
  description: line(200).optional(),
});
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

/** A page of a ticket's timeline: the seqs after `after`, at most `limit`. */
export const timelinePageQuery = z.strictObject({
  after: z.coerce.number().int().min(0).max(1e9).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
