import { Types, type Connection } from 'mongoose';
import {
  canTransition,
  slaDueAt,
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
import { claimKey, openClaimModel, type ConversationDoc } from '../chats/conversation.model.ts';
import { ticketModel, toTicketDetailDto, toTicketDto, type TicketDoc, type TranscriptLine } from './ticket.model.ts';
import { chainEvents, type NewTicketEvent } from './event-chain.ts';
import type { Claims } from '../db/claims.ts';
import { counterModel } from '../db/counters.ts';
import { isDuplicateKey } from '../lib/errors.ts';

type Agent = Pick<AgentDoc, '_id' | 'name'>;
const agentActor = (a: Agent) => ({ actorKind: 'agent' as const, actorId: String(a._id), actorName: a.name });

interface Change {
  events: NewTicketEvent[];
  set?: Record<string, unknown>;
}

export function createTicketService(deps: { conn: Connection; clock: Clock; notify: Notifier; chats: ChatService; claims: Claims }) {
  const { conn, clock, notify, chats, claims } = deps;
  const Ticket = ticketModel(conn);
  const OpenClaim = openClaimModel(conn);

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
  async function change(number: number, decide: (t: TicketDoc) => Change): Promise<TicketDoc> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const t = await findByNumber(number);
      const c = decide(t);
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
          slaDueAt: slaDueAt(now, fields.priority),
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
    const messages = await chats.messagesAfter(conversationId, 0);
    return messages.map((m) => ({
      seq: m.seq,
      author: m.author,
      ...(m.authorName ? { authorName: m.authorName } : {}),
      text: m.text,
      at: new Date(m.createdAt),
    }));
  }

  /**
   * Turn a conversation into a ticket. The conversation is claimed first (ticketId set only if
   * still empty), so two clicks or two agents make one ticket.
   */
  async function fromConversation(
    conv: ConversationDoc,
    guard: Record<string, unknown>,
    t: Omit<Parameters<typeof insertTicket>[0], 'transcript' | '_id' | 'conversationId' | 'site' | 'visitorId'>,
  ): Promise<TicketDoc> {
    if (!(await claims.take(`convert:${conv._id}`, 'ticket'))) {
      const now = await chats.getConversation(String(conv._id));
      throw new AppError('conflict', now.ticketNumber ? `This chat is already ticket #${now.ticketNumber}` : 'This chat is already becoming a ticket');
    }
    const claimed = await chats.Conversation.findOne({ _id: conv._id, ...guard }).lean();
    if (!claimed) {
      await claims.release(`convert:${conv._id}`);
      const now = await chats.getConversation(String(conv._id));
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
    const conv = await chats.getConversation(conversationId);
    if (String(conv.assignee) !== String(agent._id)) throw new AppError('forbidden', 'Only the agent in this chat can convert it');
    const ticket = await fromConversation(conv, { assignee: agent._id, status: 'active' }, {
      subject: input.subject,
      priority: input.priority,
      category: input.category,
      source: 'chat_widget',
      requester: { name: conv.visitorName },
      assignee: agent,
      created: { type: 'created', visibility: 'public', ...agentActor(agent), text: `Converted from a live chat with ${conv.visitorName}` },
    });
    return toTicketDto(ticket);
  }

  /** No one could take the chat: the visitor leaves a message, and it becomes a ticket with the transcript. */
  async function leaveMessage(v: VisitorIdentity, input: LeaveMessageInput): Promise<{ ticketNumber: number }> {
    let convId = input.conversationId ?? String((await OpenClaim.findById(claimKey(v.site, v.visitorId)).lean())?.conversationId ?? '');
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
    const conv = await chats.getConversation(convId);
    const ticket = await fromConversation(conv, { visitorId: v.visitorId, site: v.site, status: { $in: ['queued', 'offered'] } }, {
      subject: firstLine(conv.firstMessage),
      priority: 'medium',
      category: 'general',
      source: 'chat_widget',
      requester: { name: input.name ?? conv.visitorName, email: input.email },
      created: { type: 'created', visibility: 'public', actorKind: 'customer', actorName: input.name ?? conv.visitorName, text: 'Left a message: no agent was available' },
    });
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
      const set: Record<string, unknown> = {};
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
      const now = clock.now();
      return {
        events: [
          { type: 'reply', visibility: 'public', ...agentActor(agent), text: closingMessage },
          { type: 'resolved', visibility: 'public', ...agentActor(agent), from: t.status, to: 'resolved' },
        ],
        set: { status: 'resolved', resolvedAt: now, ...(t.firstResponseAt ? {} : { firstResponseAt: now }) },
      };
    });
    await deliverToCustomer(t, lastSeqOf(t, 'reply'), closingMessage, agent);
    return toTicketDetailDto(t);
  }

  /** The customer wrote on a ticket's conversation; a resolved ticket re-opens. */
  async function customerMessage(ticketId: Types.ObjectId, message: MessageDto, requesterName: string): Promise<void> {
    const t = await Ticket.findById(ticketId, { number: 1 }).lean();
    if (!t) return;
    await change(t.number, (t) => {
      const events: NewTicketEvent[] = [{ type: 'customer_message', visibility: 'public', actorKind: 'customer', actorName: requesterName, text: message.text }];
      if (t.status !== 'resolved') return { events };
      events.push({ type: 'status_changed', visibility: 'public', actorKind: 'system', text: 're-opened', from: 'resolved', to: 'open' as TicketStatus });
      return { events, set: { status: 'open', resolvedAt: null } };
    });
  }

  async function list(filter: { status?: TicketStatus }): Promise<TicketDto[]> {
    const q = filter.status ? { status: filter.status } : {};
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

  return { convertChat, leaveMessage, fromHelpCenter, reply, note, resolve, customerMessage, list, get, counts, Ticket };
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
