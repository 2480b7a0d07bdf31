import { Types, type Connection } from 'mongoose';
import { FIRST_TICKET_NUMBER, isoWeekKey, slaDueAt } from '@kamflo/shared';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Notifier } from '../realtime/notify.ts';
import type { Claims } from '../db/claims.ts';
import { counterModel, nextSequence } from '../db/counters.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { ticketModel, toTicketDto, type TicketDoc, type TranscriptLine } from './ticket.model.ts';
import { chainEvents, type NewTicketEvent } from './event-chain.ts';

export type TicketAgent = Pick<AgentDoc, '_id' | 'name'>;
export const agentActor = (a: TicketAgent) => ({ actorKind: 'agent' as const, actorId: String(a._id), actorName: a.name });

/** What an action writes: new events, and the fields that change with them. */
export interface Change {
  events: NewTicketEvent[];
  set?: Record<string, unknown>;
}

export interface NewTicket {
  _id?: Types.ObjectId;
  subject: string;
  priority: TicketDoc['priority'];
  category: TicketDoc['category'];
  source: TicketDoc['source'];
  requester: TicketDoc['requester'];
  site?: string;
  visitorId?: string;
  conversationId?: Types.ObjectId;
  assignee?: TicketAgent;
  transcript: TranscriptLine[];
  created: NewTicketEvent;
}

/**
 * The tickets collection: reading a ticket, changing it (every change is events written under
 * the event claim), inserting one with the next number. Every write is published to the agents.
 */
export function createTicketStore(deps: { conn: Connection; clock: Clock; claims: Claims; settings: SettingsService; notify: Notifier }) {
  const { conn, clock, claims, settings, notify } = deps;
  const Ticket = ticketModel(conn);
  const listeners: ((t: TicketDoc) => void)[] = [];

  function published(t: TicketDoc) {
    notify.allAgents('ticket:updated', toTicketDto(t));
    for (const listener of listeners) listener(t);
  }

  async function findByNumber(number: number): Promise<TicketDoc> {
    const t = await Ticket.findOne({ number }).lean();
    if (!t) throw new AppError('not_found', `Ticket #${number} not found`);
    return t;
  }

  async function numberOf(ticketId: Types.ObjectId): Promise<number | null> {
    return (await Ticket.findById(ticketId, { number: 1 }).lean())?.number ?? null;
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

  /** A new ticket, Open at L1, its SLA from the current windows, numbered by the counter. */
  async function insert(fields: NewTicket): Promise<TicketDoc> {
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

  return {
    Ticket,
    findByNumber,
    numberOf,
    change,
    insert,
    /** Called with every ticket written (after `ticket:updated` went out). */
    onPublished(listener: (t: TicketDoc) => void) {
      listeners.push(listener);
    },
  };
}
export type TicketStore = ReturnType<typeof createTicketStore>;
