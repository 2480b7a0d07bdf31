import type { Connection, Types } from 'mongoose';
import { PRIORITY_LABELS, type AlertRule, type Role } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Claims } from '../db/claims.ts';
import { agentModel } from '../agents/agent.model.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { NotificationService } from '../notifications/notification.service.ts';
import type { TicketStore } from '../tickets/ticket-store.ts';
import type { TicketActions } from '../tickets/ticket-actions.ts';
import type { TicketDoc } from '../tickets/ticket.model.ts';

const HOUR = 3600_000;
const ROLE_OF: Record<'team_leads' | 'managers' | 'admins', Role> = { team_leads: 'team_lead', managers: 'manager', admins: 'admin' };

/** The database query for tickets that meet a rule's condition now. */
export function ruleQuery(rule: AlertRule, now: Date): Record<string, unknown> {
  // Tickets this rule already fired on are skipped, so older ones never crowd out new ones.
  const base = { priority: { $in: rule.priorities }, alertsFired: { $ne: rule.id } };
  const hoursAgo = new Date(now.getTime() - (rule.hours ?? 0) * HOUR);
  switch (rule.condition) {
    case 'no_reply_for':
      return { ...base, status: { $in: ['open', 'in_progress'] }, firstResponseAt: null, createdAt: { $lte: hoursAgo } };
    case 'past_due':
      return { ...base, status: { $in: ['open', 'in_progress'] }, firstResponseAt: null, slaDueAt: { $lt: now } };
    case 'in_progress_without_update':
      // Last customer-facing update (or creation, if there never was one) too long ago.
      return {
        ...base,
        status: 'in_progress',
        $or: [{ lastCustomerUpdateAt: { $lte: hoursAgo } }, { lastCustomerUpdateAt: null, createdAt: { $lte: hoursAgo } }],
      };
  }
}

function alertText(rule: AlertRule, t: Pick<TicketDoc, 'number' | 'subject' | 'priority'>): string {
  const what = `${PRIORITY_LABELS[t.priority]} ticket #${t.number} "${t.subject}"`;
  switch (rule.condition) {
    case 'no_reply_for':
      return `${what} has had no customer-facing reply for ${rule.hours} h`;
    case 'past_due':
      return `${what} is past its first-response target`;
    case 'in_progress_without_update':
      return `${what} has been in progress ${rule.hours} h without an update to the customer`;
  }
}

/**
 * SLA alerts: every sweep checks each rule against the tickets, reading the injectable clock.
 * An alert fires once per (ticket, rule), across processes and restarts, because it first takes
 * the claim `alert:<ticket>:<rule>` (FerretDB's conditional updates are not exclusive).
 */
export function createSlaSweeper(deps: {
  conn: Connection;
  clock: Clock;
  claims: Claims;
  ticketStore: TicketStore;
  ticketActions: TicketActions;
  settings: SettingsService;
  notifications: NotificationService;
  log: Logger;
  /** Told once per alert this process fires (the metrics count them). */
  onFired?: () => void;
}) {
  const { clock, claims, ticketStore, ticketActions, settings, notifications, log } = deps;
  const Agent = agentModel(deps.conn);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function recipients(rule: AlertRule, t: TicketDoc): Promise<string[]> {
    const ids: string[] = [];
    if (rule.notify.includes('assignee') && t.assignee) ids.push(String(t.assignee));
    const roles = rule.notify.filter((r): r is keyof typeof ROLE_OF => r in ROLE_OF).map((r) => ROLE_OF[r]);
    if (roles.length) {
      const people = await Agent.find({ role: { $in: roles } }, { _id: 1 }).lean();
      ids.push(...people.map((p) => String(p._id)));
    }
    return [...new Set(ids)];
  }

  async function fire(rule: AlertRule, t: TicketDoc & { _id: Types.ObjectId }): Promise<boolean> {
    const key = `alert:${t._id}:${rule.id}`;
    if (!(await claims.take(key, 'sla'))) return false;
    const text = alertText(rule, t);
    await ticketActions.recordAlert(t._id, rule, text);
    await notifications.send(await recipients(rule, t), { key, kind: 'sla_alert', ticketNumber: t.number, text, ruleId: rule.id, condition: rule.condition });
    deps.onFired?.();
    return true;
  }

  /** One pass over every rule; returns how many alerts this caller fired. */
  async function sweepOnce(): Promise<number> {
    const now = clock.now();
    let fired = 0;
    for (const rule of await settings.getAlertRules()) {
      const due = await ticketStore.Ticket.find(ruleQuery(rule, now), { number: 1, subject: 1, priority: 1, assignee: 1 })
        .sort({ slaDueAt: 1 })
        .limit(500)
        .lean();
      for (const t of due) {
        try {
          if (await fire(rule, t as TicketDoc)) fired++;
        } catch (err) {
          log.error({ err, ticket: t.number, rule: rule.id }, 'SLA alert failed');
        }
      }
    }
    return fired;
  }

  /** Runs a sweep (or joins the one in progress in this process). */
  function sweep(): Promise<number> {
    running ??= sweepOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    sweep,
    start(intervalMs: number) {
      timer ??= setInterval(() => {
        sweep().catch((err) => log.error({ err }, 'SLA sweep failed'));
      }, intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
export type SlaSweeper = ReturnType<typeof createSlaSweeper>;
