import { Schema, Types, type Connection } from 'mongoose';
import { SEARCH_WORD_CAP, type TicketListQuery, type TicketPage } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { Migration } from '../db/migrations.ts';
import type { Logger } from '../lib/logger.ts';
import { listFilter } from './ticket-list.ts';
import { toTicketDto, type TicketDoc, type TicketEventDoc, type TranscriptLine } from './ticket.model.ts';
import { parseSearch, searchTerms } from './search-terms.ts';
import type { TicketStore } from './ticket-store.ts';

/**
 * Ticket search: an inverted index kept in the database, `ticket_terms`, one posting per
 * (ticket, field, term): `_id` `<ticket>:<field>:<term>`, so writing one again is a duplicate
 * that changes nothing. Fields: s (subject), r (requester name and email), m (a customer or
 * agent message: the transcript, customer messages, replies). Postings are only ever inserted:
 * a ticket's subject and requester never change and messages are append-only, so indexing is
 * incremental (the words of each new message) and there is nothing to rebuild or to keep in step
 * between processes. ARCHITECTURE.md ("Ticket search") explains the choice.
 */
export type SearchField = 's' | 'r' | 'm';
export interface TicketTermDoc {
  _id: string;
  term: string;
  /** The ticket (its ObjectId, so newest first is descending). */
  t: Types.ObjectId;
  f: SearchField;
}
const termSchema = new Schema<TicketTermDoc>({ _id: String, term: String, t: Schema.Types.ObjectId, f: String }, { versionKey: false });
// One query shape: a term's postings, newest tickets first.
termSchema.index({ term: 1, t: -1 });
export const ticketTermModel = (conn: Connection) => conn.model<TicketTermDoc>('TicketTerm', termSchema, 'ticket_terms');

/** How much a match in each field counts. */
const FIELD_WEIGHT: Record<SearchField, number> = { s: 3, r: 2, m: 1 };
/** The event types whose text is a customer or agent message. */
const MESSAGE_EVENTS = new Set(['created', 'reply', 'customer_message']);

/** The postings of some texts of one ticket. */
export function postings(ticketId: Types.ObjectId, texts: { f: SearchField; text: string }[]): TicketTermDoc[] {
  const rows = new Map<string, TicketTermDoc>();
  for (const { f, text } of texts) {
    for (const term of searchTerms(text)) {
      const _id = `${ticketId}:${f}:${term}`;
      rows.set(_id, { _id, term, t: ticketId, f });
    }
  }
  return [...rows.values()];
}

/** What a ticket's own fields contribute (subject, requester). */
export function ticketTexts(t: Pick<TicketDoc, 'subject' | 'requester'>): { f: SearchField; text: string }[] {
  return [
    { f: 's', text: t.subject },
    { f: 'r', text: [t.requester?.name, t.requester?.email].filter(Boolean).join(' ') },
  ];
}

export function eventTexts(events: Pick<TicketEventDoc, 'type' | 'text'>[]): { f: SearchField; text: string }[] {
  return events.filter((e) => MESSAGE_EVENTS.has(e.type) && e.text).map((e) => ({ f: 'm' as const, text: e.text! }));
}

export function transcriptTexts(lines: Pick<TranscriptLine, 'author' | 'text'>[]): { f: SearchField; text: string }[] {
  return lines.filter((l) => l.author !== 'system').map((l) => ({ f: 'm' as const, text: l.text }));
}

/** Insert postings; ones already there are skipped (unordered, so the rest still go in). */
export async function writePostings(Term: ReturnType<typeof ticketTermModel>, rows: TicketTermDoc[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    try {
      await Term.insertMany(rows.slice(i, i + 1000), { ordered: false });
    } catch (e) {
      const errs = (e as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
      const onlyDuplicates = (errs?.length ?? 0) > 0 && errs!.every((w) => (w.code ?? w.err?.code) === 11000);
      if (!onlyDuplicates && (e as { code?: number }).code !== 11000) throw e;
    }
  }
}

/**
 * Documents by _id. Up to POINT_LOOKUPS ids one equality lookup each, in parallel: FerretDB pushes
 * `_id` equality down (and serves it from a GIN index with KAMFLO_FERRETDB_POSTGRES_URL) but
 * answers an `$in` by reading the whole collection. More ids: `$in` in chunks (MongoDB's index).
 */
const POINT_LOOKUPS = 300;
/** A first word naming at most this many tickets makes the other words checked by _id (3 lookups a ticket). */
const FEW_CANDIDATES = 50;
async function byIds<T, I>(
  model: { find: (f: object, p: object) => { lean: () => PromiseLike<unknown> }; findOne: (f: object, p: object) => { lean: () => PromiseLike<unknown> } },
  ids: I[],
  projection: object,
): Promise<T[]> {
  if (!ids.length) return [];
  if (ids.length <= POINT_LOOKUPS) {
    const found = await Promise.all(ids.map((_id) => model.findOne({ _id }, projection).lean()));
    return found.filter(Boolean) as T[];
  }
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...((await model.find({ _id: { $in: ids.slice(i, i + 1000) } }, projection).lean()) as T[]));
  return out;
}

function encodeSearchCursor(q: string, offset: number): string {
  return Buffer.from(JSON.stringify(['q', q, offset])).toString('base64url');
}
function decodeSearchCursor(q: string, cursor: string): number {
  try {
    const [kind, query, offset] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, number];
    if (kind !== 'q' || query !== q || !Number.isInteger(offset) || offset < 0 || offset > 1e6) throw new Error('bad');
    return offset;
  } catch {
    throw new AppError('bad_request', 'The cursor is not one this search gave out (or belongs to another query)');
  }
}

export function createTicketSearch(deps: {
  conn: Connection;
  Ticket: TicketStore['Ticket'];
  /** Postings read per word at most (SEARCH_WORD_CAP; tests lower it). */
  wordCap?: number;
}) {
  const Term = ticketTermModel(deps.conn);
  const Ticket = deps.Ticket;
  const CAP = deps.wordCap ?? SEARCH_WORD_CAP;

  /** Index what a committed change wrote: a new ticket's fields and transcript, and message texts. */
  async function indexChange(t: TicketDoc, written: TicketEventDoc[], transcript: () => Promise<TranscriptLine[]>): Promise<void> {
    const texts = eventTexts(written);
    if (written.some((e) => e.type === 'created')) texts.push(...ticketTexts(t), ...(t.transcriptCount ? transcriptTexts(await transcript()) : []));
    if (texts.length) await writePostings(Term, postings(t._id, texts));
  }

  /** One term's postings (newest tickets first, at most the cap + 1 to know it was cut). */
  async function postingsOf(term: string) {
    return Term.find({ term }, { _id: 0, t: 1, f: 1 })
      .sort({ t: -1 })
      .limit(CAP + 1)
      .lean();
  }

  /**
   * The tickets matching every word of `q.q` that pass the list's filters, ranked: each word
   * counts by where it is (subject 3, requester 2, a message 1) times how rare it is, ties newest
   * first. `#1234` is that ticket (if it passes the filters and holds the other words).
   */
  async function matches(q: TicketListQuery & { q: string }, now: Date): Promise<{ ids: Types.ObjectId[]; partial: boolean }> {
    const filter = listFilter(q, now);
    if (!filter) return { ids: [], partial: false };
    const { number, terms } = parseSearch(q.q);
    if (number !== undefined) {
      const t = (await Ticket.findOne({ ...filter, number }, { _id: 1 }).lean()) as { _id: Types.ObjectId } | null;
      if (!t) return { ids: [], partial: false };
      if (terms.length) {
        const ids = terms.flatMap((term) => (['s', 'r', 'm'] as const).map((f) => `${t._id}:${f}:${term}`));
        const found = new Set((await byIds<{ term: string }, string>(Term, ids, { term: 1 })).map((p) => p.term));
        if (!terms.every((term) => found.has(term))) return { ids: [], partial: false };
      }
      return { ids: [t._id], partial: false };
    }
    if (!terms.length) return { ids: [], partial: false };

    // Each word's postings; the rarest word's tickets are the candidates. The word likeliest to
    // be rare (an email address, one with digits, the longest) is read first: when it names only
    // a few tickets, the other words are checked for those by _id instead of read whole (on
    // FerretDB a common word's postings are all read and sorted, whatever the limit).
    const read = async (term: string) => {
      const rows = await postingsOf(term);
      const capped = rows.length > CAP;
      const weights = new Map<string, number>();
      for (const p of rows.slice(0, CAP)) {
        const id = String(p.t);
        weights.set(id, (weights.get(id) ?? 0) + FIELD_WEIGHT[p.f]);
      }
      return { term, capped, weights };
    };
    const rarity = (t: string) => (t.includes('@') ? 2000 : 0) + (/\d/.test(t) ? 1000 : 0) + t.length;
    const [first, ...rest] = [...terms].sort((a, b) => rarity(b) - rarity(a));
    const firstList = await read(first!);
    const few = !firstList.capped && firstList.weights.size <= FEW_CANDIDATES;
    const lists = few
      ? [firstList, ...rest.map((term) => ({ term, capped: true, weights: new Map<string, number>() }))]
      : [firstList, ...(await Promise.all(rest.map(read)))];
    // The smallest list drives; with few candidates the first word does (the others read nothing).
    if (!few) lists.sort((a, b) => a.weights.size - b.weights.size);
    const [driver, ...others] = lists;
    const idf = (size: number) => 1 + Math.log((CAP + 1) / (size + 1));
    const scores = new Map<string, number>();
    for (const [id, w] of driver!.weights) scores.set(id, w * idf(driver!.weights.size));
    for (const other of others) {
      // A word in more tickets than were read: look the candidates' postings of it up by _id.
      if (other.capped) {
        const unknown = [...scores.keys()].filter((id) => !other.weights.has(id));
        const ids = unknown.flatMap((id) => (['s', 'r', 'm'] as const).map((f) => `${id}:${f}:${other.term}`));
        for (const p of await byIds<{ t: Types.ObjectId; f: SearchField }, string>(Term, ids, { _id: 0, t: 1, f: 1 })) {
          const id = String(p.t);
          other.weights.set(id, (other.weights.get(id) ?? 0) + FIELD_WEIGHT[p.f]);
        }
      }
      const w = idf(Math.min(other.weights.size, CAP));
      for (const [id, score] of scores) {
        const mine = other.weights.get(id);
        if (mine === undefined) scores.delete(id);
        else scores.set(id, score + mine * w);
      }
    }
    const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0)).map(([id]) => new Types.ObjectId(id));
    if (!Object.keys(filter).length) return { ids: ranked, partial: driver!.capped };
    // The filters, on the candidates (by _id, so index-served), kept in ranking order.
    const pass = new Set<string>();
    for (let i = 0; i < ranked.length; i += 1000) {
      for (const d of await Ticket.find({ ...filter, _id: { $in: ranked.slice(i, i + 1000) } }, { _id: 1 }).lean()) pass.add(String(d._id));
    }
    return { ids: ranked.filter((id) => pass.has(String(id))), partial: driver!.capped };
  }

  /** A page of matches; pages continue by an offset in the ranking, recomputed each time. */
  async function search(q: TicketListQuery & { q: string }, now: Date): Promise<TicketPage> {
    const limit = q.limit ?? 50;
    const offset = q.cursor ? decodeSearchCursor(q.q, q.cursor) : 0;
    const { ids, partial } = await matches(q, now);
    const pageIds = ids.slice(offset, offset + limit);
    const docs = (await byIds(Ticket, pageIds, {})) as TicketDoc[];
    const byId = new Map(docs.map((d) => [String(d._id), d]));
    return {
      tickets: pageIds.flatMap((id) => {
        const d = byId.get(String(id));
        return d ? [toTicketDto(d)] : [];
      }),
      ...(offset + limit < ids.length ? { next: encodeSearchCursor(q.q, offset + limit) } : {}),
      ...(partial ? { partial: true as const } : {}),
    };
  }

  /** How many tickets match (saved views' counts), up to `cap`. */
  async function count(q: TicketListQuery & { q: string }, now: Date, cap: number): Promise<{ count: number; more: boolean }> {
    const { ids, partial } = await matches(q, now);
    return { count: Math.min(ids.length, cap), more: ids.length > cap || partial };
  }

  return { Term, indexChange, search, count };
}
export type TicketSearch = ReturnType<typeof createTicketSearch>;

/**
 * 0003: index the tickets that exist (their subject, requester, messages and transcripts). One
 * streaming pass over each collection, postings written as they come (a posting is the same
 * whichever pass meets it first), so no query per ticket and no `$in` (FerretDB scans for those).
 */
export function ticketSearchMigration(deps: { conn: Connection }): Migration {
  return {
    id: '0003-ticket-search',
    async run(log: Logger) {
      const Term = ticketTermModel(deps.conn);
      const buffer = new Map<string, TicketTermDoc>();
      let written = 0;
      const add = async (ticketId: Types.ObjectId, texts: { f: SearchField; text: string }[]) => {
        for (const p of postings(ticketId, texts)) buffer.set(p._id, p);
        if (buffer.size >= 2000) await flush();
      };
      const flush = async () => {
        const rows = [...buffer.values()];
        buffer.clear();
        await writePostings(Term, rows);
        written += rows.length;
      };
      for await (const t of deps.conn.collection<TicketDoc>('tickets').find({}, { projection: { subject: 1, requester: 1 } })) await add(t._id, ticketTexts(t));
      for await (const e of deps.conn.collection('ticket_events').find({}, { projection: { ticketId: 1, type: 1, text: 1 } }))
        await add(e.ticketId, eventTexts([e as unknown as TicketEventDoc]));
      for await (const l of deps.conn.collection('ticket_transcripts').find({}, { projection: { ticketId: 1, author: 1, text: 1 } }))
        await add(l.ticketId, transcriptTexts([l as unknown as TranscriptLine]));
      await flush();
      log.info({ postings: written }, 'ticket search: existing tickets indexed');
    },
  };
}
