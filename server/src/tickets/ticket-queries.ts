import type { ChainVerificationDto, MessageDto, TicketDetailDto, TicketEventDto, TicketListQuery, TicketPage, TimelinePage } from '@kamflo/shared';
import { buildListQuery, encodeCursor, LIST_SORTS } from './ticket-list.ts';
import type { Clock } from '../lib/clock.ts';
import { toEventDto, toTicketDto, toTranscriptDto, type TicketDoc, type TicketWithTimeline } from './ticket.model.ts';
import type { EventChain } from './event-chain.ts';
import type { TicketStore } from './ticket-store.ts';
import type { TicketSearch } from './ticket-search.ts';

/** Reading tickets: the filtered list, one ticket, and the audit of its history. */
export function createTicketQueries(deps: {
  store: TicketStore;
  chain: EventChain;
  clock: Clock;
  /** The detail as agents see it: with each message's delivery state and inbound mail (channels/). */
  detail: (t: TicketWithTimeline) => Promise<TicketDetailDto>;
  search: TicketSearch;
}) {
  const { store, chain, clock, detail, search } = deps;
  const { Ticket } = store;

  /** One page of the list; see ticket-list.ts for the query shapes and their indexes. */
  async function list(q: TicketListQuery): Promise<TicketPage> {
    if (q.q) return search.search({ ...q, q: q.q }, clock.now());
    const shape = buildListQuery(q, clock.now());
    if (!shape) return { tickets: [] };
    const docs = await Ticket.find(shape.filter).sort(shape.sort).limit(shape.limit).lean();
    const more = docs.length === shape.limit;
    if (more) docs.pop();
    const last = docs.at(-1);
    const sort = q.sort ?? 'sla';
    return {
      tickets: docs.map((d) => toTicketDto(d as TicketDoc)),
      ...(more && last ? { next: encodeCursor(sort, last[LIST_SORTS[sort].field], last._id) } : {}),
    };
  }

  async function get(number: number): Promise<TicketDetailDto> {
    return detail(await store.withTimeline(await store.findByNumber(number)));
  }

  /** Recompute the keyed chain: a direct edit in the database shows up as the first broken seq. */
  async function verify(number: number): Promise<ChainVerificationDto> {
    const t = await store.findByNumber(number);
    const events = await store.allEvents(t);
    const broken = chain.verify(t, events);
    if (broken)
      return { number, events: events.length, ok: false, brokenSeq: broken.seq, reason: broken.reason, ...(broken.field ? { field: broken.field } : {}) };
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
