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

export const TICKET_SOURCES = ['chat_widget', 'help_center', 'email', 'agent', 'whatsapp', 'instagram', 'telegram'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];
export const SOURCE_LABELS: Record<TicketSource, string> = {
  chat_widget: 'chat widget',
  help_center: 'help center',
  email: 'Email',
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
export function slaRemainingMs(t: { slaDueAt: string | Date; firstResponseAt?: string | Date | null }, now: Date): number | null {
  if (t.firstResponseAt) return null;
  return new Date(t.slaDueAt).getTime() - now.getTime();
}

// Escalation (handbook: Level 1 → Level 2 → Management).
export const ESCALATION_LEVELS = ['L1', 'L2', 'L3'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];
export const LEVEL_LABELS: Record<EscalationLevel, string> = {
  L1: 'L1 · Support agents',
  L2: 'L2 · Technical team',
  L3: 'L3 · Management',
};
/** The level above, or null at the top (L3). */
export function nextLevel(level: EscalationLevel): EscalationLevel | null {
  const i = ESCALATION_LEVELS.indexOf(level);
  return ESCALATION_LEVELS[i + 1] ?? null;
}
/** What the escalating agent needs from the next level. */
export const NEXT_STEPS = ['investigate', 'fix', 'approve', 'call'] as const;
export type NextStep = (typeof NEXT_STEPS)[number];
export const NEXT_STEP_LABELS: Record<NextStep, string> = {
  investigate: 'Investigate',
  fix: 'Fix',
  approve: 'Approve',
  call: 'Call the customer',
};
/** The customer update an agent may accept instead of writing one. */
export function defaultEscalationUpdate(to: EscalationLevel): string {
  const who = to === 'L3' ? 'our management team' : 'our technical team';
  return `Thank you for your patience. We've passed your request to ${who} with everything you've told us, so you won't need to repeat yourself. We'll update you as soon as we know more.`;
}

// SLA alerts (handbook FAQ: "an alert when a High priority ticket has been open for 3 hours
// without a customer-facing reply … to the assigned agent and their team lead").
export const ALERT_CONDITIONS = ['no_reply_for', 'in_progress_without_update', 'past_due'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];
export const ALERT_RECIPIENTS = ['assignee', 'team_leads', 'managers', 'admins'] as const;
export type AlertRecipient = (typeof ALERT_RECIPIENTS)[number];
export interface AlertRule {
  /** Stable key: an alert fires once per (ticket, rule id). */
  id: string;
  priorities: Priority[];
  condition: AlertCondition;
  /** For no_reply_for and in_progress_without_update. */
  hours?: number;
  notify: AlertRecipient[];
}
export const DEFAULT_ALERT_RULES: AlertRule[] = [
  { id: 'high-no-reply-3h', priorities: ['high'], condition: 'no_reply_for', hours: 3, notify: ['assignee', 'team_leads'] },
  {
    id: 'in-progress-no-update-24h',
    priorities: ['critical', 'high', 'medium', 'low'],
    condition: 'in_progress_without_update',
    hours: 24,
    notify: ['assignee'],
  },
  { id: 'sla-breach', priorities: ['critical', 'high', 'medium', 'low'], condition: 'past_due', notify: ['assignee', 'team_leads', 'admins'] },
];

/** ISO-8601 week key of a date in UTC, e.g. "2026-W09". */
export function isoWeekKey(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday of this week decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
/** The last `n` ISO week keys ending with the week of `now`, oldest first. */
export function lastIsoWeeks(now: Date, n: number): string[] {
  const keys: string[] = [];
  for (let i = n - 1; i >= 0; i--) keys.push(isoWeekKey(new Date(now.getTime() - i * 7 * 86_400_000)));
  return keys;
}

/** Open or in progress, no first response yet, and past the first-response target. */
export function isPastDue(t: { status: TicketStatus; slaDueAt: string | Date; firstResponseAt?: string | Date | null }, now: Date): boolean {
  return (t.status === 'open' || t.status === 'in_progress') && !t.firstResponseAt && new Date(t.slaDueAt).getTime() < now.getTime();
}
