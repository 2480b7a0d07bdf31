// Ticket rules from the support handbook, as pure data and functions (no zod here, so the
// widget can import them without paying for the validator).

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_LABELS: Record<Priority, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

const HOUR = 60 * 60 * 1000;
/** First-response targets, counted from creation (handbook defaults). */
export const DEFAULT_SLA_MS: Record<Priority, number> = {
  critical: 1 * HOUR,
  high: 4 * HOUR,
  medium: 24 * HOUR,
  low: 72 * HOUR,
};

export function slaDueAt(createdAt: Date, priority: Priority, windows = DEFAULT_SLA_MS): Date {
  return new Date(createdAt.getTime() + windows[priority]);
}

export const TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In Progress',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** Which status may follow which. Closed is final: spam or duplicates never re-open. */
export const TICKET_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['in_progress', 'resolved', 'closed'],
  in_progress: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return TICKET_TRANSITIONS[from].includes(to);
}

export const TICKET_SOURCES = [
  'chat_widget',
  'help_center',
  'email',
  'agent',
  'whatsapp',
  'instagram',
  'telegram',
] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];
export const SOURCE_LABELS: Record<TicketSource, string> = {
  chat_widget: 'chat widget',
  help_center: 'help center',
  email: 'email',
  agent: 'agent-created',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
};

export const CATEGORIES = ['general', 'account', 'billing', 'technical', 'bug', 'feature_request'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CATEGORY_LABELS: Record<Category, string> = {
  general: 'General',
  account: 'Account',
  billing: 'Billing',
  technical: 'Technical',
  bug: 'Bug',
  feature_request: 'Feature request',
};

/** Ticket numbers are human-readable and start here. */
export const FIRST_TICKET_NUMBER = 1001;

/** "High Priority" on the dashboard: Critical and High tickets not yet resolved or closed. */
export function isHighPriorityOpen(t: { priority: Priority; status: TicketStatus }): boolean {
  return (t.priority === 'critical' || t.priority === 'high') && (t.status === 'open' || t.status === 'in_progress');
}

/** Milliseconds until the first-response target (negative when overdue); null once answered. */
export function slaRemainingMs(
  t: { slaDueAt: string | Date; firstResponseAt?: string | Date | null },
  now: Date,
): number | null {
  if (t.firstResponseAt) return null;
  return new Date(t.slaDueAt).getTime() - now.getTime();
}
