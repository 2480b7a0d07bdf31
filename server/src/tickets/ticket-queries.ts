import { Types } from 'mongoose';
import type { ChainVerificationDto, MessageDto, TicketDetailDto, TicketDto, TicketEventDto, TicketListQuery, TimelinePage } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import { toEventDto, toTicketDto, toTranscriptDto, type TicketDoc, type TicketWithTimeline } from './ticket.model.ts';
import type { EventChain } from './event-chain.ts';
import type { TicketStore } from './ticket-store.ts';

/** Reading tickets: the filtered list, one ticket, and the audit of its history. */
export function createTicketQueries(deps: {
  store: TicketStore;
  chain: EventChain;
  clock: Clock;
  /** The detail as agents see it: with each message's delivery state and inbound mail (channels/). */
  detail: (t: TicketWithTimeline) => Promise<TicketDetailDto>;
}) {
  const { store, chain, clock, detail } = deps;
  const { Ticket } = store;

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
    const docs = await Ticket.find(q).sort({ slaDueAt: 1, _id: 1 }).limit(500).lean();
    return docs.map((d) => toTicketDto(d as TicketDoc));
  }

  async function get(number: number): Promise<TicketDetailDto> {
    return detail(await store.withTimeline(await store.findByNumber(number)));
  }

  /** Recompute the keyed chain: a direct edit in the database shows up as the first broken seq. */
  async function verify(number: number): Promise<ChainVerificationDto> {
    const t = await store.findByNumber(number);
    const events = await store.allEvents(t);
    const broken = chain.verify(t, events);
    if (broken) return { number, events: events.length, ok: false, brokenSeq: broken.seq, reason: broken.reason, ...(broken.field ? { field: broken.field } : {}) };
    if (t.chainBrokenBeforeMigration) return { number, events: events.length, ok: false, brokenSeq: t.chainBrokenBeforeMigration, reason: 'before_migration' };
    return { number, events: events.length, ok: true };
  }

  /** The history after `after`, a page at a time (a detail view loads the first pages). */
  async function events(number: number, after: number, limit: number): Promise<TimelinePage<TicketEventDto>> {
    const t = await store.findByNumber(number);
    const page = await store.eventsPage(t, after, limit);
    return { items: page.items.map((e) => toEventDto(String(t._id), e)), ...(page.next !== undefined ? { next: page.next } : {}) };
  }

  async function transcript(number: number, after: number, limit: number): Promise<TimelinePage<MessageDto>> {
    const t = await store.findByNumber(number);
    const page = await store.transcriptPage(t, after, limit);
    return { items: page.items.map((l) => toTranscriptDto(t, l)), ...(page.next !== undefined ? { next: page.next } : {}) };
  }

  return { list, get, verify, events, transcript };
}
export type TicketQueries = ReturnType<typeof createTicketQueries>;
