import type { Types } from 'mongoose';
import {
  can,
  canTransition,
  defaultEscalationUpdate,
  isoWeekKey,
  nextLevel,
  slaDueAt,
  CATEGORY_LABELS,
  MAX_TICKET_TAGS,
  LEVEL_LABELS,
  NEXT_STEP_LABELS,
  PRIORITY_LABELS,
  STATUS_LABELS,
  type AlertRule,
  type Category,
  type Escalation,
  type MessageDto,
  type Priority,
  type TicketDetailDto,
  type TicketStatus,
} from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { NotificationService } from '../notifications/notification.service.ts';
import type { TicketDoc } from './ticket.model.ts';
import type { NewTicketEvent } from './event-chain.ts';
import { agentActor, type Change, type TicketAgent, type TicketStore } from './ticket-store.ts';
import type { Channels } from '../channels/channels.ts';
import { isTokenActor } from '../api-tokens/api-token.service.ts';

type TicketActor = Pick<AgentDoc, '_id' | 'name' | 'role'>;

/**
 * Everything done to an existing ticket: status, assignment, priority, category, escalation,
 * approval, replies, notes and resolving, a customer writing again, SLA alerts. Each is one
 * `store.change()`: it decides on the fresh ticket, may refuse, and writes its events.
 */
export function createTicketActions(deps: {
  store: TicketStore;
  clock: Clock;
  settings: SettingsService;
  agents: AgentService;
  notifications: NotificationService;
  /** The customer channels (channels/): who a message reaches, and the detail with delivery state. Delivering a reply is the store's committed hook (app.ts). */
  customers: Pick<Channels, 'assertReachable' | 'detail'>;
}) {
  const { store, clock, settings, agents, notifications, customers } = deps;

  async function detailOf(t: TicketDoc): Promise<TicketDetailDto> {
    return customers.detail(await store.withTimeline(t));
  }

  /** Refuse a customer-facing message before recording it when no channel would carry it. */
  async function assertReachable(number: number): Promise<void> {
    await customers.assertReachable(await store.findByNumber(number));
  }

  /** A customer-facing reply: stops the first-response timer and goes to the customer's channel. */
  async function reply(agent: TicketAgent, number: number, text: string): Promise<TicketDetailDto> {
    await assertReachable(number);
    const t = await store.change(number, (t) => {
      if (t.status === 'closed') throw new AppError('illegal_transition', 'This ticket is closed');
      const events: NewTicketEvent[] = [{ type: 'reply', visibility: 'public', ...agentActor(agent), text }];
      const set: Record<string, unknown> = { lastCustomerUpdateAt: clock.now() };
      if (!t.firstResponseAt) set.firstResponseAt = clock.now();
      if (t.status === 'open') {
        events.push({ type: 'status_changed', visibility: 'public', ...agentActor(agent), from: 'open', to: 'in_progress' });
        set.status = 'in_progress';
      }
      // An API token answering leaves the ticket for a person to take.
      if (!t.assignee && !isTokenActor(agent)) Object.assign(set, { assignee: agent._id, assigneeName: agent.name });
      return { events, set };
    });
    return detailOf(t);
  }

  /** An internal note: history only. Nothing here may ever reach a customer. */
  async function note(agent: TicketAgent, number: number, text: string): Promise<TicketDetailDto> {
    const t = await store.change(number, () => ({ events: [{ type: 'note', visibility: 'internal', ...agentActor(agent), text }] }));
    return detailOf(t);
  }

  /** Resolve: only with a closing message to the customer, sent in the same action. */
  async function resolve(agent: TicketAgent, number: number, closingMessage: string): Promise<TicketDetailDto> {
    await assertReachable(number);
    const t = await store.change(number, (t) => {
      if (!canTransition(t.status, 'resolved')) {
        throw new AppError('illegal_transition', `A ticket that is ${STATUS_LABELS[t.status]} can't be resolved`);
      }
      if (t.needsApproval) {
        throw new AppError('illegal_transition', `Ticket #${t.number} needs a manager's approval before it can be resolved`);
      }
      const now = clock.now();
      return {
        events: [
          { type: 'reply', visibility: 'public', ...agentActor(agent), text: closingMessage },
          { type: 'resolved', visibility: 'public', ...agentActor(agent), from: t.status, to: 'resolved' },
        ],
        set: {
          status: 'resolved',
          resolvedAt: now,
          resolvedWeek: isoWeekKey(now),
          lastCustomerUpdateAt: now,
          ...(t.firstResponseAt ? {} : { firstResponseAt: now }),
        },
      };
    });
    return detailOf(t);
  }

  /**
   * The customer wrote on a ticket's conversation; a resolved ticket re-opens. Once per message:
   * the event keeps the message id, so a repeat (a retried send) records nothing again, and only
   * sends the re-open notification if that is what failed (notifications are stored once by key).
   */
  async function customerMessage(ticketId: Types.ObjectId, message: Pick<MessageDto, 'id' | 'seq' | 'text'>, requesterName: string): Promise<void> {
    await customerWrote(ticketId, { text: message.text, name: requesterName, key: { messageId: message.id }, transcriptSeq: message.seq });
  }

  /** An email from the ticket's requester joins it; `emailKey` (its Message-ID) makes it once. */
  async function customerEmail(
    ticketId: Types.ObjectId,
    m: { text: string; name?: string; emailKey: string },
  ): Promise<{ ticket: TicketDoc; seq: number } | null> {
    return customerWrote(ticketId, { text: m.text, ...(m.name ? { name: m.name } : {}), key: { email: m.emailKey } });
  }

  /**
   * A customer message on a ticket, from any channel, recorded once by `key`. A Resolved ticket
   * re-opens to Open and its assignee is told; a Closed one keeps the message, stays closed, and
   * its assignee and the team leads are told.
   */
  async function customerWrote(
    ticketId: Types.ObjectId,
    m: { text: string; name?: string; key: { messageId: string } | { email: string }; transcriptSeq?: number },
  ): Promise<{ ticket: TicketDoc; seq: number } | null> {
    const number = await store.numberOf(ticketId);
    if (number === null) return null;
    const [keyField, keyValue] = Object.entries(m.key)[0] as [string, string];
    let reopenedBy: number | undefined; // the seq of the re-open event
    let seq = 0;
    let closed = false;
    const after = await store.change(number, async (t) => {
      reopenedBy = undefined;
      closed = t.status === 'closed';
      // Written before the chat became this ticket: the transcript has it.
      if (m.transcriptSeq !== undefined && m.transcriptSeq <= t.transcriptCount && (await store.hasTranscriptLine(t._id, m.transcriptSeq))) return null;
      const recorded = await store.eventByKey(t._id, `${keyField}:${keyValue}`);
      if (recorded) {
        seq = recorded.event.seq;
        const next = recorded.next;
        if (next?.type === 'status_changed' && next.actorKind === 'system' && next.from === 'resolved') reopenedBy = next.seq;
        return null;
      }
      seq = t.eventCount + 1;
      const events: Change['events'] = [
        {
          type: 'customer_message',
          visibility: 'public',
          actorKind: 'customer',
          ...(m.name ? { actorName: m.name } : {}),
          text: m.text,
          data: { [keyField]: keyValue },
          key: `${keyField}:${keyValue}`,
        },
      ];
      if (t.status !== 'resolved') return { events };
      reopenedBy = t.eventCount + 2;
      events.push({ type: 'status_changed', visibility: 'public', actorKind: 'system', text: 're-opened', from: 'resolved', to: 'open' });
      return { events, set: { status: 'open', resolvedAt: null, resolvedWeek: null } };
    });
    // The handbook: "You'll see a notification that a previously resolved ticket has been reopened."
    if (reopenedBy !== undefined && after.assignee) {
      await notifications.send([String(after.assignee)], {
        key: `reopened:${after._id}:${reopenedBy}`,
        kind: 'reopened',
        ticketNumber: after.number,
        text: `Ticket #${after.number} "${after.subject}" was re-opened: the customer wrote again`,
      });
    }
    if (closed && seq) {
      const leads = await agents.Agent.find({ role: 'team_lead' }, { _id: 1 }).lean();
      await notifications.send([...(after.assignee ? [String(after.assignee)] : []), ...leads.map((a) => String(a._id))], {
        key: `closed-reply:${after._id}:${seq}`,
        kind: 'customer_wrote',
        ticketNumber: after.number,
        text: `The customer wrote on closed ticket #${after.number} "${after.subject}"; it stays closed`,
      });
    }
    return seq ? { ticket: after, seq } : null;
  }

  /** Open ⇄ In Progress, re-open a resolved ticket, or close (final; needs a reason). Resolving has its own action. */
  async function setStatus(agent: TicketAgent, number: number, to: TicketStatus, reason?: string): Promise<TicketDetailDto> {
    if (to === 'resolved') throw new AppError('bad_request', 'Resolve with a closing message (POST /api/tickets/:number/resolve)');
    if (to === 'closed' && !reason) throw new AppError('bad_request', 'Closing a ticket needs a reason');
    const t = await store.change(number, (t) => {
      if (!canTransition(t.status, to)) {
        throw new AppError('illegal_transition', `A ticket that is ${STATUS_LABELS[t.status]} can't become ${STATUS_LABELS[to]}`);
      }
      const now = clock.now();
      const set: Record<string, unknown> = { status: to };
      if (to === 'closed') Object.assign(set, { closedAt: now, closeReason: reason });
      if (t.status === 'resolved') Object.assign(set, { resolvedAt: null, resolvedWeek: null });
      const event: NewTicketEvent = {
        type: 'status_changed',
        visibility: 'public',
        ...agentActor(agent),
        from: t.status,
        to,
        ...(reason ? { text: reason } : {}),
      };
      if (t.status === 'resolved') event.data = { reopened: 'true' };
      return { events: [event], set };
    });
    return detailOf(t);
  }

  /**
   * Take an unassigned ticket (or one already yours). Giving it to someone else, or taking it
   * from someone, needs ticket.reassign. An offline assignee keeps the ticket.
   */
  async function assign(actor: TicketActor, number: number, agentId: string): Promise<TicketDetailDto> {
    const target = await agents.getAgent(agentId);
    if (!target) throw new AppError('not_found', 'No agent with that id');
    if (target.deactivatedAt) throw new AppError('conflict', `${target.name} is deactivated and can't be assigned tickets`);
    const actorId = String(actor._id);
    const t = await store.change(number, (t) => {
      if (t.status === 'closed') throw new AppError('illegal_transition', 'A closed ticket cannot be assigned');
      const current = t.assignee ? String(t.assignee) : null;
      if (current === agentId) return null;
      const takingFreeOrOwn = agentId === actorId && (current === null || current === actorId);
      if (!takingFreeOrOwn && !can(actor.role, 'ticket.reassign')) {
        throw new AppError(
          'forbidden',
          current
            ? `Ticket #${t.number} is assigned to ${t.assigneeName ?? 'someone else'}; reassigning it needs a team lead`
            : 'You can only take an unassigned ticket for yourself',
        );
      }
      const data: Record<string, string> = { agentId };
      if (current) Object.assign(data, { fromAgentId: current, fromName: t.assigneeName ?? '' });
      return {
        events: [{ type: 'assigned', visibility: 'public', ...agentActor(actor), text: target.name, data }],
        set: { assignee: target._id, assigneeName: target.name },
      };
    });
    return detailOf(t);
  }

  function priorityChange(agent: TicketAgent, t: TicketDoc, priority: Priority, windows: Record<Priority, number>): Change | null {
    if (t.priority === priority) return null;
    return {
      events: [{ type: 'priority_changed', visibility: 'public', ...agentActor(agent), data: { from: t.priority, to: priority } }],
      // The SLA counts from creation, whatever the priority was before.
      set: { priority, slaDueAt: slaDueAt(t.createdAt, priority, windows) },
    };
  }

  function categoryChange(agent: TicketAgent, t: TicketDoc, category: Category): Change | null {
    if (t.category === category) return null;
    return { events: [{ type: 'category_changed', visibility: 'public', ...agentActor(agent), data: { from: t.category, to: category } }], set: { category } };
  }

  function refuseFinished(t: TicketDoc, what: string) {
    if (t.status === 'closed') throw new AppError('illegal_transition', `A closed ticket's ${what} can't change`);
  }

  async function setPriority(agent: TicketAgent, number: number, priority: Priority): Promise<TicketDetailDto> {
    const windows = await settings.slaWindowsMs();
    const t = await store.change(number, (t) => {
      refuseFinished(t, 'priority');
      return priorityChange(agent, t, priority, windows);
    });
    return detailOf(t);
  }

  async function setCategory(agent: TicketAgent, number: number, category: Category): Promise<TicketDetailDto> {
    const t = await store.change(number, (t) => {
      refuseFinished(t, 'category');
      return categoryChange(agent, t, category);
    });
    return detailOf(t);
  }

  /**
   * Add and remove tags, as one tags_changed event (its data, part of the chained hash, names
   * both). Tags already there are not added again, absent ones not removed; no change, no event.
   */
  async function setTags(agent: TicketAgent, number: number, change: { add: string[]; remove: string[] }): Promise<TicketDetailDto> {
    const t = await store.change(number, (t) => {
      const had = t.tags ?? [];
      const added = change.add.filter((x) => !had.includes(x));
      const removed = change.remove.filter((x) => had.includes(x));
      if (!added.length && !removed.length) return null;
      const tags = [...had.filter((x) => !removed.includes(x)), ...added];
      if (tags.length > MAX_TICKET_TAGS) throw new AppError('bad_request', `A ticket carries at most ${MAX_TICKET_TAGS} tags`);
      return {
        events: [{ type: 'tags_changed', visibility: 'public', ...agentActor(agent), data: { added: added.join(','), removed: removed.join(',') } }],
        set: { tags },
      };
    });
    return detailOf(t);
  }

  /**
   * Escalate one level with the handbook's checklist, in one change: a self-contained internal
   * note, the level, the confirmed priority and category, and an update sent to the customer.
   */
  async function escalate(agent: TicketAgent, number: number, e: Escalation): Promise<TicketDetailDto> {
    const windows = await settings.slaWindowsMs();
    await assertReachable(number);
    let update = '';
    const t = await store.change(number, (t) => {
      if (t.status !== 'open' && t.status !== 'in_progress') {
        throw new AppError('illegal_transition', `A ticket that is ${STATUS_LABELS[t.status]} can't be escalated; re-open it first`);
      }
      const from = t.level ?? 'L1';
      const to = nextLevel(from);
      if (!to) throw new AppError('illegal_transition', `Ticket #${t.number} is already at ${LEVEL_LABELS[from]}, the top level`);
      update = e.customerUpdate ?? defaultEscalationUpdate(to);
      const now = clock.now();
      const note = [
        `Escalated ${from} → ${to} (${LEVEL_LABELS[to]}) by ${agent.name}.`,
        `Next level needs to: ${NEXT_STEP_LABELS[e.nextStep]} — ${e.nextStepDetails}`,
        `What was tried: ${e.tried}`,
        `Customer context: ${e.customerContext}`,
        `Priority: ${PRIORITY_LABELS[e.priority]} · Category: ${CATEGORY_LABELS[e.category]}`,
        `Customer was told: ${update}`,
      ].join('\n');
      const events: NewTicketEvent[] = [
        { type: 'escalated', visibility: 'internal', ...agentActor(agent), text: note, data: { from, to, nextStep: e.nextStep } },
      ];
      const set: Record<string, unknown> = { level: to, lastCustomerUpdateAt: now };
      for (const c of [priorityChange(agent, t, e.priority, windows), categoryChange(agent, t, e.category)]) {
        if (!c) continue;
        events.push(...c.events);
        Object.assign(set, c.set);
      }
      events.push({ type: 'reply', visibility: 'public', ...agentActor(agent), text: update });
      if (!t.firstResponseAt) set.firstResponseAt = now;
      if (t.status === 'open') {
        events.push({ type: 'status_changed', visibility: 'public', ...agentActor(agent), from: 'open', to: 'in_progress' });
        set.status = 'in_progress';
      }
      // An API token answering leaves the ticket for a person to take.
      if (!t.assignee && !isTokenActor(agent)) Object.assign(set, { assignee: agent._id, assigneeName: agent.name });
      return { events, set };
    });
    return detailOf(t);
  }

  /** Policy exception or financial implication: resolving waits for a manager's approval. */
  async function requestApproval(agent: TicketAgent, number: number, reason: string): Promise<TicketDetailDto> {
    const t = await store.change(number, (t) => {
      if (t.status === 'closed' || t.status === 'resolved')
        throw new AppError('illegal_transition', `A ${STATUS_LABELS[t.status]} ticket doesn't need approval`);
      if (t.needsApproval) throw new AppError('conflict', `Ticket #${t.number} is already waiting for approval`);
      return {
        events: [{ type: 'approval_requested', visibility: 'internal', ...agentActor(agent), text: reason }],
        set: { needsApproval: true, approvalReason: reason, approvedBy: null, approvedByName: null, approvedAt: null },
      };
    });
    return detailOf(t);
  }

  async function approve(manager: TicketActor, number: number, note?: string): Promise<TicketDetailDto> {
    if (!can(manager.role, 'ticket.approve')) throw new AppError('forbidden', 'Only managers and admins approve');
    const t = await store.change(number, (t) => {
      if (!t.needsApproval) throw new AppError('conflict', `Ticket #${t.number} is not waiting for approval`);
      return {
        events: [{ type: 'approved', visibility: 'internal', ...agentActor(manager), ...(note ? { text: note } : {}) }],
        set: { needsApproval: false, approvedBy: manager._id, approvedByName: manager.name, approvedAt: clock.now() },
      };
    });
    return detailOf(t);
  }

  /** Records that an SLA alert fired (the caller holds the alert's claim). */
  async function recordAlert(ticketId: Types.ObjectId, rule: AlertRule, text: string): Promise<TicketDoc | null> {
    const number = await store.numberOf(ticketId);
    if (number === null) return null;
    return store.change(number, (t) => ({
      events: [{ type: 'sla_alert', visibility: 'internal', actorKind: 'system', text, data: { ruleId: rule.id, condition: rule.condition } }],
      set: { alertsFired: [...new Set([...(t.alertsFired ?? []), rule.id])] },
    }));
  }

  return {
    reply,
    note,
    resolve,
    customerMessage,
    customerEmail,
    setStatus,
    assign,
    setPriority,
    setCategory,
    setTags,
    escalate,
    requestApproval,
    approve,
    recordAlert,
  };
}
export type TicketActions = ReturnType<typeof createTicketActions>;
