import { Types, type Connection } from 'mongoose';
import {
  can,
  canTransition,
  defaultEscalationUpdate,
  isoWeekKey,
  lastIsoWeeks,
  nextLevel,
  slaDueAt,
  CATEGORY_LABELS,
  LEVEL_LABELS,
  NEXT_STEP_LABELS,
  PRIORITY_LABELS,
  type AlertRule,
  type Category,
  type ChainVerificationDto,
  type CreateTicketInput,
  type Escalation,
  type Priority,
  type TicketListQuery,
  type WeeklyTicketsDto,
  FIRST_TICKET_NUMBER,
  STATUS_LABELS,
  type ConvertToTicketInput,
  type DashboardCounts,
  type HelpCenterRequestInput,
  type LeaveMessageInput,
  type MessageDto,
  type TicketDetailDto,
  type TicketDto,
  type TicketStatus,
} from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Notifier } from '../realtime/notify.ts';
import { nextSequence } from '../db/counters.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { VisitorIdentity } from '../visitors/visitor-token.ts';
import type { ChatService } from '../chats/chat.service.ts';
import type { ConversationDoc } from '../chats/conversation.model.ts';
import type { ConversationGuard, ConversationStore } from '../chats/conversation-store.ts';
import { ticketModel, toTicketDetailDto, toTicketDto, type TicketDoc, type TranscriptLine } from './ticket.model.ts';
import { chainEvents, verifyChain, type NewTicketEvent } from './event-chain.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { NotificationService } from '../notifications/notification.service.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { Claims } from '../db/claims.ts';
import { counterModel } from '../db/counters.ts';
import { isDuplicateKey } from '../lib/errors.ts';

type Agent = Pick<AgentDoc, '_id' | 'name'>;
type Actor = Pick<AgentDoc, '_id' | 'name' | 'role'>;
const agentActor = (a: Agent) => ({ actorKind: 'agent' as const, actorId: String(a._id), actorName: a.name });

interface Change {
  events: NewTicketEvent[];
  set?: Record<string, unknown>;
}

export function createTicketService(deps: {
  conn: Connection;
  clock: Clock;
  notify: Notifier;
  conversations: ConversationStore;
  chats: ChatService;
  claims: Claims;
  settings: SettingsService;
  notifications: NotificationService;
  agents: AgentService;
}) {
  const { conn, clock, notify, conversations, chats, claims, settings, notifications, agents } = deps;
  const Ticket = ticketModel(conn);

  async function findByNumber(number: number): Promise<TicketDoc> {
    const t = await Ticket.findOne({ number }).lean();
    if (!t) throw new AppError('not_found', `Ticket #${number} not found`);
    return t;
  }

  /**
   * Apply a change and its history in one update of the ticket document. `decide` sees the
   * current ticket and may refuse. Writers are serialized by a claim on the next event number
   * (db/claims.ts explains why not a conditional update); a loser decides again on fresh state.
   */
  async function change(number: number, decide: (t: TicketDoc) => Change | null): Promise<TicketDoc> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const t = await findByNumber(number);
      const c = decide(t);
      if (!c) return t; // nothing to change (e.g. the same priority again)
      const key = `ticket-event:${t._id}:${t.eventCount + 1}`;
      if (!(await claims.take(key, 'writer'))) {
        // A writer that died between its claim and its write would block the ticket: expire it.
        const holder = await claims.holder(key);
        if (holder && Date.now() - holder.at.getTime() > 5000) await claims.release(key);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
        continue;
      }
      const now = clock.now();
      const events = chainEvents(c.events, t, now);
      const updated = await Ticket.findOneAndUpdate(
        { _id: t._id },
        {
          $set: { ...c.set, updatedAt: now, lastHash: events.at(-1)?.hash ?? t.lastHash, eventCount: t.eventCount + events.length },
          $push: { events: { $each: events } },
        },
        { new: true },
      ).lean();
      published(updated!);
      return updated!;
    }
    throw new AppError('conflict', 'The ticket is changing too fast; try again');
  }

  function published(t: TicketDoc) {
    notify.allAgents('ticket:updated', toTicketDto(t));
    void publishCounts();
  }

  async function insertTicket(fields: {
    _id?: Types.ObjectId;
    subject: string;
    priority: TicketDoc['priority'];
    category: TicketDoc['category'];
    source: TicketDoc['source'];
    requester: TicketDoc['requester'];
    site?: string;
    visitorId?: string;
    conversationId?: Types.ObjectId;
    assignee?: Agent;
    transcript: TranscriptLine[];
    created: NewTicketEvent;
  }): Promise<TicketDoc> {
    const _id = fields._id ?? new Types.ObjectId();
    const now = clock.now();
    const windows = await settings.slaWindowsMs();
    const events = chainEvents([fields.created], { eventCount: 0, lastHash: '' }, now);
    // The counter is a hint; the unique index on number decides (FerretDB can lose an $inc).
    for (let attempt = 0; ; attempt++) {
      const number = await nextSequence(conn, 'ticket', FIRST_TICKET_NUMBER);
      try {
        const doc = await Ticket.create({
          _id,
          number,
          subject: fields.subject,
          priority: fields.priority,
          category: fields.category,
          status: 'open',
          source: fields.source,
          requester: fields.requester,
          site: fields.site,
          visitorId: fields.visitorId,
          conversationId: fields.conversationId,
          assignee: fields.assignee?._id ?? null,
          assigneeName: fields.assignee?.name,
          createdAt: now,
          updatedAt: now,
          slaDueAt: slaDueAt(now, fields.priority, windows),
          level: 'L1',
          openedWeek: isoWeekKey(now),
          transcript: fields.transcript,
          events,
          eventCount: events.length,
          lastHash: events.at(-1)!.hash,
        });
        const t = doc.toObject();
        published(t);
        return t;
      } catch (e) {
        if (!isDuplicateKey(e) || attempt > 50) throw e;
        const existing = await Ticket.findById(_id).lean();
        if (existing) return existing;
        await counterModel(conn).updateOne({ _id: 'ticket', seq: { $lt: number } }, { $set: { seq: number } });
      }
    }
  }

  async function transcriptOf(conversationId: Types.ObjectId): Promise<TranscriptLine[]> {
    const messages = await conversations.messagesAfter(conversationId, 0);
    return messages.map((m) => ({
      seq: m.seq,
      author: m.author,
      ...(m.authorName ? { authorName: m.authorName } : {}),
      text: m.text,
      at: m.createdAt,
    }));
  }

  /**
   * Turn a conversation into a ticket. The conversation is claimed first (ticketId set only if
   * still empty), so two clicks or two agents make one ticket.
   */
  async function fromConversation(
    conv: ConversationDoc,
    guard: Omit<ConversationGuard, '_id'>,
    t: Omit<Parameters<typeof insertTicket>[0], 'transcript' | '_id' | 'conversationId' | 'site' | 'visitorId'>,
  ): Promise<TicketDoc> {
    if (!(await claims.take(`convert:${conv._id}`, 'ticket'))) {
      const now = await conversations.get(conv._id);
      throw new AppError('conflict', now.ticketNumber ? `This chat is already ticket #${now.ticketNumber}` : 'This chat is already becoming a ticket');
    }
    const claimed = await conversations.findGuarded({ _id: conv._id, ...guard });
    if (!claimed) {
      await claims.release(`convert:${conv._id}`);
      const now = await conversations.get(conv._id);
      throw new AppError('conflict', `A ${now.status} chat can't become a ticket here`);
    }
    const ticketId = new Types.ObjectId();
    const ticket = await insertTicket({
      ...t,
      _id: ticketId,
      conversationId: conv._id,
      site: conv.site,
      visitorId: conv.visitorId,
      transcript: await transcriptOf(conv._id),
    });
    await chats.markConverted(claimed, { id: ticket._id, number: ticket.number });
    return ticket;
  }

  async function convertChat(agent: Agent, conversationId: string, input: ConvertToTicketInput): Promise<TicketDto> {
    const conv = await conversations.get(conversationId);
    if (String(conv.assignee) !== String(agent._id)) throw new AppError('forbidden', 'Only the agent in this chat can convert it');
    const ticket = await fromConversation(
      conv,
      { assignee: agent._id, status: 'active' },
      {
        subject: input.subject,
        priority: input.priority,
        category: input.category,
        source: 'chat_widget',
        requester: { name: conv.visitorName },
        assignee: agent,
        created: { type: 'created', visibility: 'public', ...agentActor(agent), text: `Converted from a live chat with ${conv.visitorName}` },
      },
    );
    return toTicketDto(ticket);
  }

  /** No one could take the chat: the visitor leaves a message, and it becomes a ticket with the transcript. */
  async function leaveMessage(v: VisitorIdentity, input: LeaveMessageInput): Promise<{ ticketNumber: number }> {
    let convId = input.conversationId ?? String((await conversations.openConversationId(v.site, v.visitorId)) ?? '');
    if (!convId) {
      const started = await chats.start(v, { clientId: `leave_${new Types.ObjectId()}`, text: input.text, ...(input.name ? { name: input.name } : {}) });
      convId = started.conversation.id;
    } else {
      const { conv, message } = await chats.appendMessage(
        { _id: new Types.ObjectId(convId), visitorId: v.visitorId, site: v.site, status: { $in: ['queued', 'offered'] } },
        { clientId: `leave_${new Types.ObjectId()}`, author: 'visitor', text: input.text },
      );
      chats.deliver(conv, message);
    }
    const conv = await conversations.get(convId);
    const ticket = await fromConversation(
      conv,
      { visitorId: v.visitorId, site: v.site, status: { $in: ['queued', 'offered'] } },
      {
        subject: firstLine(conv.firstMessage),
        priority: 'medium',
        category: 'general',
        source: 'chat_widget',
        requester: { name: input.name ?? conv.visitorName, email: input.email },
        created: {
          type: 'created',
          visibility: 'public',
          actorKind: 'customer',
          actorName: input.name ?? conv.visitorName,
          text: 'Left a message: no agent was available',
        },
      },
    );
    return { ticketNumber: ticket.number };
  }

  /** Help Center request. With a visitor token, replies also reach that visitor's widget. */
  async function fromHelpCenter(input: HelpCenterRequestInput, v: VisitorIdentity | null): Promise<{ ticketNumber: number }> {
    const ticket = await insertTicket({
      subject: input.subject,
      priority: 'medium',
      category: 'general',
      source: 'help_center',
      requester: { name: input.name, email: input.email },
      ...(v ? { site: v.site, visitorId: v.visitorId } : {}),
      transcript: [],
      created: { type: 'created', visibility: 'public', actorKind: 'customer', actorName: input.name, text: input.message },
    });
    return { ticketNumber: ticket.number };
  }

  async function deliverToCustomer(t: TicketDoc, seq: number, text: string, agent: Agent): Promise<void> {
    if (!t.conversationId) return; // help-center and email tickets: the email channel will carry these
    const { conv, message } = await chats.appendMessage(
      { _id: t.conversationId },
      { clientId: `ticket_${t._id}_${seq}`, author: 'agent', authorId: String(agent._id), authorName: agent.name, text },
    );
    chats.deliver(conv, message);
  }

  /** A customer-facing reply: stops the first-response timer and goes to the customer's channel. */
  async function reply(agent: Agent, number: number, text: string): Promise<TicketDetailDto> {
    const t = await change(number, (t) => {
      if (t.status === 'closed') throw new AppError('illegal_transition', 'This ticket is closed');
      const events: NewTicketEvent[] = [{ type: 'reply', visibility: 'public', ...agentActor(agent), text }];
      const set: Record<string, unknown> = { lastCustomerUpdateAt: clock.now() };
      if (!t.firstResponseAt) set.firstResponseAt = clock.now();
      if (t.status === 'open') {
        events.push({ type: 'status_changed', visibility: 'public', ...agentActor(agent), from: 'open', to: 'in_progress' });
        set.status = 'in_progress';
      }
      if (!t.assignee) Object.assign(set, { assignee: agent._id, assigneeName: agent.name });
      return { events, set };
    });
    await deliverToCustomer(t, lastSeqOf(t, 'reply'), text, agent);
    return toTicketDetailDto(t);
  }

  /** An internal note: history only. Nothing here may ever reach a customer. */
  async function note(agent: Agent, number: number, text: string): Promise<TicketDetailDto> {
    const t = await change(number, () => ({ events: [{ type: 'note', visibility: 'internal', ...agentActor(agent), text }] }));
    return toTicketDetailDto(t);
  }

  /** Resolve: only with a closing message to the customer, sent in the same action. */
  async function resolve(agent: Agent, number: number, closingMessage: string): Promise<TicketDetailDto> {
    const t = await change(number, (t) => {
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
    await deliverToCustomer(t, lastSeqOf(t, 'reply'), closingMessage, agent);
    return toTicketDetailDto(t);
  }

  /** The customer wrote on a ticket's conversation; a resolved ticket re-opens. */
  async function customerMessage(ticketId: Types.ObjectId, message: MessageDto, requesterName: string): Promise<void> {
    const t = await Ticket.findById(ticketId, { number: 1 }).lean();
    if (!t) return;
    let reopened = false;
    const after = await change(t.number, (t) => {
      reopened = false;
      const events: NewTicketEvent[] = [
        { type: 'customer_message', visibility: 'public', actorKind: 'customer', actorName: requesterName, text: message.text },
      ];
      if (t.status !== 'resolved') return { events };
      reopened = true;
      events.push({ type: 'status_changed', visibility: 'public', actorKind: 'system', text: 're-opened', from: 'resolved', to: 'open' as TicketStatus });
      return { events, set: { status: 'open', resolvedAt: null, resolvedWeek: null } };
    });
    // The handbook: "You'll see a notification that a previously resolved ticket has been reopened."
    if (reopened && after.assignee) {
      await notifications.send([String(after.assignee)], {
        key: `reopened:${after._id}:${after.eventCount}`,
        kind: 'reopened',
        ticketNumber: after.number,
        text: `Ticket #${after.number} "${after.subject}" was re-opened: the customer wrote again`,
      });
    }
  }

  async function list(filter: TicketListQuery): Promise<TicketDto[]> {
    const q: Record<string, unknown> = {};
    for (const key of ['status', 'priority', 'level', 'source', 'category'] as const) if (filter[key]) q[key] = filter[key];
    if (filter.assignee) q.assignee = filter.assignee === 'none' ? null : new Types.ObjectId(filter.assignee);
    if (filter.queue) {
      // unaddressed and past_due: still to be answered, and past the first-response target.
      if (filter.status && filter.status !== 'open' && filter.status !== 'in_progress') return [];
      if (!filter.status) q.status = { $in: ['open', 'in_progress'] };
      q.firstResponseAt = null;
      q.slaDueAt = { $lt: clock.now() };
    }
    // Triage order: closest to (or furthest past) its first-response target first.
    const docs = await Ticket.find(q, { transcript: 0, events: 0 }).sort({ slaDueAt: 1, _id: 1 }).limit(500).lean();
    return docs.map((d) => toTicketDto(d as TicketDoc));
  }

  async function get(number: number): Promise<TicketDetailDto> {
    return toTicketDetailDto(await findByNumber(number));
  }

  async function counts(): Promise<DashboardCounts> {
    const [highPriority, open, inProgress, resolved] = await Promise.all([
      Ticket.countDocuments({ priority: { $in: ['critical', 'high'] }, status: { $in: ['open', 'in_progress'] } }),
      Ticket.countDocuments({ status: 'open' }),
      Ticket.countDocuments({ status: 'in_progress' }),
      Ticket.countDocuments({ status: 'resolved' }),
    ]);
    return { highPriority, open, inProgress, resolved };
  }

  let countsTimer: NodeJS.Timeout | undefined;
  /** Coalesce bursts of changes into one counts broadcast. */
  function publishCounts(): Promise<void> {
    if (countsTimer) return Promise.resolve();
    return new Promise((resolve) => {
      countsTimer = setTimeout(() => {
        countsTimer = undefined;
        counts()
          .then((c) => notify.allAgents('dashboard:counts', c))
          .catch(() => {})
          .finally(resolve);
      }, 50);
    });
  }

  /** An agent opens a ticket for a customer, by email (source "agent"); it is theirs. */
  async function createForCustomer(agent: Agent, input: CreateTicketInput): Promise<TicketDto> {
    const t = await insertTicket({
      subject: input.subject,
      priority: input.priority,
      category: input.category,
      source: 'agent',
      requester: { ...(input.requesterName ? { name: input.requesterName } : {}), email: input.requesterEmail },
      assignee: agent,
      transcript: [],
      created: { type: 'created', visibility: 'public', ...agentActor(agent), text: input.message },
    });
    return toTicketDto(t);
  }

  /** Open ⇄ In Progress, re-open a resolved ticket, or close (final; needs a reason). Resolving has its own action. */
  async function setStatus(agent: Agent, number: number, to: TicketStatus, reason?: string): Promise<TicketDetailDto> {
    if (to === 'resolved') throw new AppError('bad_request', 'Resolve with a closing message (POST /api/tickets/:number/resolve)');
    if (to === 'closed' && !reason) throw new AppError('bad_request', 'Closing a ticket needs a reason');
    const t = await change(number, (t) => {
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
    return toTicketDetailDto(t);
  }

  /**
   * Take an unassigned ticket (or one already yours). Giving it to someone else, or taking it
   * from someone, needs ticket.reassign. An offline assignee keeps the ticket.
   */
  async function assign(actor: Actor, number: number, agentId: string): Promise<TicketDetailDto> {
    const target = await agents.getAgent(agentId);
    if (!target) throw new AppError('not_found', 'No agent with that id');
    const actorId = String(actor._id);
    const t = await change(number, (t) => {
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
    return toTicketDetailDto(t);
  }

  function priorityChange(agent: Agent, t: TicketDoc, priority: Priority, windows: Record<Priority, number>): Change | null {
    if (t.priority === priority) return null;
    return {
      events: [{ type: 'priority_changed', visibility: 'public', ...agentActor(agent), data: { from: t.priority, to: priority } }],
      // The SLA counts from creation, whatever the priority was before.
      set: { priority, slaDueAt: slaDueAt(t.createdAt, priority, windows) },
    };
  }

  function categoryChange(agent: Agent, t: TicketDoc, category: Category): Change | null {
    if (t.category === category) return null;
    return { events: [{ type: 'category_changed', visibility: 'public', ...agentActor(agent), data: { from: t.category, to: category } }], set: { category } };
  }

  function refuseFinished(t: TicketDoc, what: string) {
    if (t.status === 'closed') throw new AppError('illegal_transition', `A closed ticket's ${what} can't change`);
  }

  async function setPriority(agent: Agent, number: number, priority: Priority): Promise<TicketDetailDto> {
    const windows = await settings.slaWindowsMs();
    const t = await change(number, (t) => {
      refuseFinished(t, 'priority');
      return priorityChange(agent, t, priority, windows);
    });
    return toTicketDetailDto(t);
  }

  async function setCategory(agent: Agent, number: number, category: Category): Promise<TicketDetailDto> {
    const t = await change(number, (t) => {
      refuseFinished(t, 'category');
      return categoryChange(agent, t, category);
    });
    return toTicketDetailDto(t);
  }

  /**
   * Escalate one level with the handbook's checklist, in one change: a self-contained internal
   * note, the level, the confirmed priority and category, and an update sent to the customer.
   */
  async function escalate(agent: Agent, number: number, e: Escalation): Promise<TicketDetailDto> {
    const windows = await settings.slaWindowsMs();
    let update = '';
    const t = await change(number, (t) => {
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
      if (!t.assignee) Object.assign(set, { assignee: agent._id, assigneeName: agent.name });
      return { events, set };
    });
    await deliverToCustomer(t, lastSeqOf(t, 'reply'), update, agent);
    return toTicketDetailDto(t);
  }

  /** Policy exception or financial implication: resolving waits for a manager's approval. */
  async function requestApproval(agent: Agent, number: number, reason: string): Promise<TicketDetailDto> {
    const t = await change(number, (t) => {
      if (t.status === 'closed' || t.status === 'resolved')
        throw new AppError('illegal_transition', `A ${STATUS_LABELS[t.status]} ticket doesn't need approval`);
      if (t.needsApproval) throw new AppError('conflict', `Ticket #${t.number} is already waiting for approval`);
      return {
        events: [{ type: 'approval_requested', visibility: 'internal', ...agentActor(agent), text: reason }],
        set: { needsApproval: true, approvalReason: reason, approvedBy: null, approvedByName: null, approvedAt: null },
      };
    });
    return toTicketDetailDto(t);
  }

  async function approve(manager: Actor, number: number, note?: string): Promise<TicketDetailDto> {
    if (!can(manager.role, 'ticket.approve')) throw new AppError('forbidden', 'Only managers and admins approve');
    const t = await change(number, (t) => {
      if (!t.needsApproval) throw new AppError('conflict', `Ticket #${t.number} is not waiting for approval`);
      return {
        events: [{ type: 'approved', visibility: 'internal', ...agentActor(manager), ...(note ? { text: note } : {}) }],
        set: { needsApproval: false, approvedBy: manager._id, approvedByName: manager.name, approvedAt: clock.now() },
      };
    });
    return toTicketDetailDto(t);
  }

  /** Records that an SLA alert fired (the caller holds the alert's claim). */
  async function recordAlert(ticketId: Types.ObjectId, rule: AlertRule, text: string): Promise<TicketDoc | null> {
    const found = await Ticket.findById(ticketId, { number: 1 }).lean();
    if (!found) return null;
    return change(found.number, (t) => ({
      events: [{ type: 'sla_alert', visibility: 'internal', actorKind: 'system', text, data: { ruleId: rule.id, condition: rule.condition } }],
      set: { alertsFired: [...new Set([...(t.alertsFired ?? []), rule.id])] },
    }));
  }

  /** Opened vs resolved per ISO week, the last 8 weeks, from the stored week keys. */
  async function weekly(): Promise<WeeklyTicketsDto> {
    const weeks = lastIsoWeeks(clock.now(), 8);
    const count = async (field: 'openedWeek' | 'resolvedWeek') => {
      const rows = await Ticket.aggregate<{ _id: string; n: number }>([
        { $match: { [field]: { $in: weeks } } },
        { $group: { _id: `$${field}`, n: { $sum: 1 } } },
      ]);
      return new Map(rows.map((r) => [r._id, r.n]));
    };
    const [opened, resolved] = await Promise.all([count('openedWeek'), count('resolvedWeek')]);
    return { weeks: weeks.map((week) => ({ week, opened: opened.get(week) ?? 0, resolved: resolved.get(week) ?? 0 })) };
  }

  /** Recompute the hash chain: a direct edit in the database shows up as the first broken seq. */
  async function verify(number: number): Promise<ChainVerificationDto> {
    const t = await findByNumber(number);
    const broken = verifyChain(t.events);
    return { number, events: t.events.length, ok: !broken && t.lastHash === (t.events.at(-1)?.hash ?? ''), ...(broken ? { brokenSeq: broken.seq } : {}) };
  }

  return {
    convertChat,
    leaveMessage,
    fromHelpCenter,
    reply,
    note,
    resolve,
    customerMessage,
    list,
    get,
    counts,
    createForCustomer,
    setStatus,
    assign,
    setPriority,
    setCategory,
    escalate,
    requestApproval,
    approve,
    recordAlert,
    weekly,
    verify,
    Ticket,
  };
}
export type TicketService = ReturnType<typeof createTicketService>;

function lastSeqOf(t: TicketDoc, type: string): number {
  for (let i = t.events.length - 1; i >= 0; i--) if (t.events[i]!.type === type) return t.events[i]!.seq;
  return t.eventCount;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}
