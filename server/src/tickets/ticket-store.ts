import { Types, type Connection } from 'mongoose';
import { FIRST_TICKET_NUMBER, isoWeekKey, slaDueAt } from '@kamflo/shared';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Notifier } from '../realtime/notify.ts';
import type { Claims } from '../db/claims.ts';
import { counterModel, nextSequence } from '../db/counters.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import {
  ticketEventModel,
  ticketModel,
  ticketTranscriptModel,
  toTicketDto,
  type StoredTicketEvent,
  type TicketDoc,
  type TicketEventDoc,
  type TicketWithTimeline,
  type TranscriptLine,
} from './ticket.model.ts';
import { auditedState, type EventChain, type NewTicketEvent } from './event-chain.ts';
import type { TicketTallies } from './ticket-tallies.ts';
import type { Logger } from '../lib/logger.ts';
import { createFollowUps } from './ticket-follow-ups.ts';

/** A follow-up older than this was left by a process that died after (or before) its commit. */
export const FOLLOW_UP_GRACE_MS = 60_000;

/** Work a committed write owes: run after the commit, and again by the sweep if the process died first. Must be idempotent. */
export type CommittedHook = (t: TicketDoc, written: TicketEventDoc[]) => Promise<void>;

export type TicketAgent = Pick<AgentDoc, '_id' | 'name'>;
export const agentActor = (a: TicketAgent) => ({ actorKind: 'agent' as const, actorId: String(a._id), actorName: a.name });

/** What an action writes: new events, and the fields that change with them. */
export interface Change {
  /** `key` marks an event for intake dedup (eventByKey). */
  events: (NewTicketEvent & { key?: string })[];
  set?: Record<string, unknown>;
}

/** The most a detail view loads at once; the rest by cursor (eventsPage, transcriptPage). */
export const TIMELINE_PAGE_MAX = 500;

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
  created: NewTicketEvent & { key?: string };
}

/**
 * The tickets collection: reading a ticket, changing it (every change is events written under
 * the event claim), inserting one with the next number. Every write is published to the agents.
 */
export function createTicketStore(deps: {
  conn: Connection;
  clock: Clock;
  claims: Claims;
  settings: SettingsService;
  notify: Notifier;
  chain: EventChain;
  tallies: TicketTallies;
  log: Logger;
  /** Tests: throw here to be a process that dies right after a commit. */
  faults?: { afterCommit?: (t: TicketDoc) => void };
}) {
  const { conn, clock, claims, settings, notify, chain, tallies, log } = deps;
  const followUps = createFollowUps(conn);
  const committedHooks: CommittedHook[] = [];
  const Ticket = ticketModel(conn);
  const TicketEvent = ticketEventModel(conn);
  const TicketTranscript = ticketTranscriptModel(conn);
  const listeners: ((t: TicketDoc, written: TicketEventDoc[]) => void)[] = [];
  // The events each change wrote, for the caller that needs their seqs (e.g. the reply to deliver).
  const writtenBy = new WeakMap<TicketDoc, TicketEventDoc[]>();

  const eventRow = (ticketId: TicketDoc['_id'], e: TicketEventDoc & { key?: string }): StoredTicketEvent => ({
    ...e,
    _id: `${ticketId}:${e.seq}`,
    ticketId,
  });

  /**
   * Store rows at their positions (`_id` `<ticket>:<seq>`). Only the holder of a position's claim
   * writes it, so a row already there was left by a writer that died before its commit (the
   * ticket's update): it was never part of the history and is replaced. Plain inserts on the
   * normal path: FerretDB 1.x finds a row to update or replace by reading the whole collection.
   */
  async function writeRows<T extends { _id: string }>(
    model: { insertMany: (rows: T[], o: { ordered: false }) => Promise<unknown>; deleteMany: (f: object) => Promise<unknown> },
    rows: T[],
  ) {
    if (!rows.length) return;
    try {
      await model.insertMany(rows, { ordered: false });
    } catch (e) {
      const taken = duplicateIndexes(e);
      if (!taken) throw e;
      const again = taken.map((i) => rows[i]!);
      await model.deleteMany({ _id: { $in: again.map((r) => r._id) } });
      await model.insertMany(again, { ordered: false });
    }
  }

  function published(t: TicketDoc, written: TicketEventDoc[]) {
    notify.allAgents('ticket:updated', toTicketDto(t));
    for (const listener of listeners) listener(t, written);
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
   * Apply a change: its events go to ticket_events, then one update of the ticket (its fields,
   * eventCount and lastHash) commits them. `decide` sees the current ticket and may refuse. Writers are serialized by a claim on the next event number
   * (db/claims.ts explains why not a conditional update); a loser decides again on fresh state.
   */
  async function change(number: number, decide: (t: TicketDoc) => Change | null | Promise<Change | null>): Promise<TicketDoc> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const t = await findByNumber(number);
      const c = await decide(t);
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
      const state = auditedState({ ...t, ...(c.set as Partial<TicketDoc>) });
      const events = chain.chain(c.events, t, now, state);
      // The events (and a note of what the write will owe) first, then the ticket: the
      // ticket's eventCount and lastHash are the commit.
      const [followUp] = await Promise.all([
        followUps.open(t._id, t.eventCount + 1, t.eventCount + events.length, now),
        writeRows(
          TicketEvent,
          events.map((e, i) => eventRow(t._id, { ...e, ...(c.events[i]!.key ? { key: c.events[i]!.key } : {}) })),
        ),
      ]);
      const updated = await Ticket.findOneAndUpdate(
        { _id: t._id, eventCount: t.eventCount },
        { $set: { ...c.set, updatedAt: now, lastHash: events.at(-1)?.hash ?? t.lastHash, eventCount: t.eventCount + events.length } },
        { new: true },
      ).lean();
      if (!updated) throw new AppError('conflict', 'The ticket changed at the same time; try again');
      deps.faults?.afterCommit?.(updated);
      // The dashboard's tallies follow the committed ticket (a new ticket counts from its first event).
      await tallies.moved(t.eventCount === 0 ? null : t, updated).catch((err) => log.error({ err, ticket: number }, 'ticket tallies not updated'));
      writtenBy.set(updated, events);
      published(updated, events);
      await followThrough(updated, events, followUp);
      return updated;
    }
    throw new AppError('conflict', 'The ticket is changing too fast; try again');
  }

  /**
   * The committed hooks, in order; the note is crossed off only when all succeeded. A failure is
   * logged and left to the sweep: the write itself stands.
   */
  async function followThrough(t: TicketDoc, events: TicketEventDoc[], followUp: string): Promise<boolean> {
    for (const hook of committedHooks) {
      try {
        await hook(t, events);
      } catch (err) {
        log.warn({ err, ticket: t.number }, 'a committed ticket write could not finish its follow-up work; the sweep will retry');
        return false;
      }
    }
    await followUps.done(followUp).catch((err) => log.warn({ err, ticket: t.number }, 'ticket follow-up not crossed off'));
    return true;
  }

  /**
   * Finish what writers that died left undone: a note older than the grace period whose write
   * committed runs its hooks again (they are idempotent); one whose write never committed is
   * dropped. Returns how many writes were finished.
   */
  async function sweepFollowUps(): Promise<number> {
    let finished = 0;
    for (const f of await followUps.olderThan(new Date(clock.now().getTime() - FOLLOW_UP_GRACE_MS))) {
      const t = await Ticket.findById(f.ticketId).lean();
      if (!t || t.eventCount < f.to) {
        await followUps.done(f._id);
        continue;
      }
      const { items } = await eventsPage(t, f.from - 1, f.to - f.from + 1);
      if (await followThrough(t, items, f._id)) finished++;
    }
    return finished;
  }

  /** The events the change that returned `t` wrote (empty when it wrote none). */
  function written(t: TicketDoc): TicketEventDoc[] {
    return writtenBy.get(t) ?? [];
  }

  /** The event recorded with `key` (intake dedup), and the one after it. */
  async function eventByKey(ticketId: TicketDoc['_id'], key: string): Promise<{ event: TicketEventDoc; next: TicketEventDoc | null } | null> {
    const event = await TicketEvent.findOne({ ticketId, key }).lean();
    if (!event) return null;
    return { event, next: await TicketEvent.findById(`${ticketId}:${event.seq + 1}`).lean() };
  }

  async function hasTranscriptLine(ticketId: TicketDoc['_id'], seq: number): Promise<boolean> {
    return !!(await TicketTranscript.exists({ _id: `${ticketId}:${seq}` }));
  }

  /** Events after `after`, in order, at most `limit`; only committed ones (seq ≤ eventCount). */
  async function eventsPage(t: TicketDoc, after: number, limit: number): Promise<{ items: TicketEventDoc[]; next?: number }> {
    const upTo = Math.min(t.eventCount, after + limit);
    if (upTo <= after) return { items: [] };
    const items = await TicketEvent.find({ ticketId: t._id, seq: { $gt: after, $lte: upTo } }, { _id: 0, ticketId: 0, key: 0 })
      .sort({ seq: 1 })
      .lean();
    return { items, ...(upTo < t.eventCount ? { next: upTo } : {}) };
  }

  async function transcriptPage(t: TicketDoc, after: number, limit: number): Promise<{ items: TranscriptLine[]; next?: number }> {
    const items = await TicketTranscript.find({ ticketId: t._id, seq: { $gt: after } }, { _id: 0, ticketId: 0 })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .lean();
    const more = items.length > limit;
    if (more) items.pop();
    return { items, ...(more ? { next: items.at(-1)!.seq } : {}) };
  }

  /** A ticket as the detail view shows it: its latest events, and the transcript's first page. */
  async function withTimeline(t: TicketDoc): Promise<TicketWithTimeline> {
    const earlier = Math.max(0, t.eventCount - TIMELINE_PAGE_MAX);
    const [events, transcript] = await Promise.all([eventsPage(t, earlier, TIMELINE_PAGE_MAX), transcriptPage(t, 0, TIMELINE_PAGE_MAX)]);
    return {
      ticket: t,
      events: events.items,
      transcript: transcript.items,
      ...(earlier > 0 ? { earlierEvents: earlier } : {}),
      ...(transcript.next !== undefined ? { transcriptNext: transcript.next } : {}),
    };
  }

  /** Every committed event of a ticket, for verification. */
  async function allEvents(t: TicketDoc): Promise<TicketEventDoc[]> {
    return TicketEvent.find({ ticketId: t._id, seq: { $lte: t.eventCount } }, { _id: 0, ticketId: 0, key: 0 })
      .sort({ seq: 1 })
      .lean();
  }

  /**
   * A new ticket, Open at L1, its SLA from the current windows, numbered by the counter. The
   * ticket is inserted first with no history, then its "created" event is written like any
   * change: a retry with the same _id (a repeated email) finds the ticket and writes the event at
   * most once.
   */
  async function insert(fields: NewTicket): Promise<TicketDoc> {
    const _id = fields._id ?? new Types.ObjectId();
    const now = clock.now();
    const windows = await settings.slaWindowsMs();
    // Keyed by this ticket's _id and seq: a retry writes the same rows again.
    await writeRows(
      TicketTranscript,
      fields.transcript.map((l) => ({ ...l, _id: `${_id}:${l.seq}`, ticketId: _id })),
    );
    let number = 0;
    // The counter is a hint; the unique index on number decides (FerretDB can lose an $inc).
    for (let attempt = 0; !number; attempt++) {
      const next = await nextSequence(conn, 'ticket', FIRST_TICKET_NUMBER);
      try {
        await Ticket.create({
          _id,
          number: next,
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
          eventCount: 0,
          lastHash: '',
          transcriptCount: fields.transcript.length,
        });
        number = next;
      } catch (e) {
        if (!isDuplicateKey(e) || attempt > 50) throw e;
        const existing = await Ticket.findById(_id, { number: 1 }).lean();
        if (existing) number = existing.number;
        else await counterModel(conn).updateOne({ _id: 'ticket', seq: { $lt: next } }, { $set: { seq: next } });
      }
    }
    return change(number, (t) => (t.eventCount === 0 ? { events: [fields.created] } : null));
  }

  return {
    Ticket,
    TicketEvent,
    findByNumber,
    numberOf,
    change,
    written,
    eventByKey,
    hasTranscriptLine,
    eventsPage,
    transcriptPage,
    withTimeline,
    allEvents,
    insert,
    sweepFollowUps,
    /**
     * Work every committed write owes (delivering a reply, queueing webhook events), awaited by
     * the write, and repeated by sweepFollowUps after a crash: it must be idempotent.
     */
    onCommitted(hook: CommittedHook) {
      committedHooks.push(hook);
    },
    /** Called with every ticket written (after `ticket:updated` went out). */
    onPublished(listener: (t: TicketDoc, written: TicketEventDoc[]) => void) {
      listeners.push(listener);
    },
  };
}
export type TicketStore = ReturnType<typeof createTicketStore>;

/** The positions of an insertMany's rows refused as duplicates; null when anything else failed. */
function duplicateIndexes(e: unknown): number[] | null {
  const errs = (e as { writeErrors?: { code?: number; index?: number; err?: { code?: number; index?: number } }[] }).writeErrors;
  if (!errs?.length) return isDuplicateKey(e) ? [0] : null;
  const out: number[] = [];
  for (const w of errs) {
    const code = w.code ?? w.err?.code;
    const index = w.index ?? w.err?.index;
    if (code !== 11000 || index === undefined) return null;
    out.push(index);
  }
  return out;
}
