import { Types } from 'mongoose';
import type { ChainVerificationDto, TicketDetailDto, TicketDto, TicketListQuery } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import { toTicketDto, type TicketDoc } from './ticket.model.ts';
import { verifyChain } from './event-chain.ts';
import type { TicketStore } from './ticket-store.ts';

/** Reading tickets: the filtered list, one ticket, and the audit of its history. */
export function createTicketQueries(deps: {
  store: TicketStore;
  clock: Clock;
  /** The detail as agents see it: with each message's delivery state and inbound mail (channels/). */
  detail: (t: TicketDoc) => Promise<TicketDetailDto>;
}) {
  const { store, clock, detail } = deps;
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
    const docs = await Ticket.find(q, { transcript: 0, events: 0 }).sort({ slaDueAt: 1, _id: 1 }).limit(500).lean();
    return docs.map((d) => toTicketDto(d as TicketDoc));
  }

  async function get(number: number): Promise<TicketDetailDto> {
    return detail(await store.findByNumber(number));
  }

  /** Recompute the hash chain: a direct edit in the database shows up as the first broken seq. */
  async function verify(number: number): Promise<ChainVerificationDto> {
    const t = await store.findByNumber(number);
    const broken = verifyChain(t.events);
    return { number, events: t.events.length, ok: !broken && t.lastHash === (t.events.at(-1)?.hash ?? ''), ...(broken ? { brokenSeq: broken.seq } : {}) };
  }

  return { list, get, verify };
}
export type TicketQueries = ReturnType<typeof createTicketQueries>;
