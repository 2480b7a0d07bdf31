import { Schema, type Connection } from 'mongoose';
import { TICKET_STATUSES } from '@kamflo/shared';
import type { Claims } from '../db/claims.ts';
import type { Migration } from '../db/migrations.ts';
import type { TicketDoc } from './ticket.model.ts';

/**
 * The dashboard's counts and the weekly chart, kept as running tallies, so reading them costs
 * the same at a thousand tickets and at a million, and a change to one ticket touches only the
 * tallies it moves (none for a reply or a note).
 *
 * One document per tally. FerretDB 1.x runs `$inc` as read-then-write and can lose increments, so
 * each tally moves by a versioned write under a claim on its next version: the claim makes the
 * writer exclusive, the version in the filter makes a stale writer miss and retry.
 */
interface TallyDoc {
  _id: string;
  n: number;
  v: number;
}
const tallySchema = new Schema<TallyDoc>({ _id: String, n: Number, v: Number }, { versionKey: false });

export function tallyModel(conn: Connection) {
  return conn.model<TallyDoc>('TicketTally', tallySchema, 'ticket_tallies');
}

type Counted = Pick<TicketDoc, 'status' | 'priority' | 'openedWeek' | 'resolvedWeek'>;

/** The tallies a ticket counts in, as it stands. */
export function tallyKeys(t: Counted): string[] {
  const keys = [`status:${t.status}`];
  if ((t.priority === 'critical' || t.priority === 'high') && (t.status === 'open' || t.status === 'in_progress')) keys.push('high-active');
  if (t.openedWeek) keys.push(`opened:${t.openedWeek}`);
  if (t.resolvedWeek) keys.push(`resolved:${t.resolvedWeek}`);
  return keys;
}

export function createTicketTallies(deps: { conn: Connection; claims: Claims }) {
  const Tally = tallyModel(deps.conn);
  const { claims } = deps;

  async function add(key: string, delta: number): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      let doc = await Tally.findById(key).lean();
      if (!doc) {
        await Tally.create({ _id: key, n: 0, v: 0 }).catch((e) => {
          if (e?.code !== 11000) throw e;
        });
        doc = (await Tally.findById(key).lean())!;
      }
      const claim = `tally:${key}:${doc.v + 1}`;
      if (await claims.take(claim, 'tally')) {
        try {
          const res = await Tally.updateOne({ _id: key, v: doc.v }, { $set: { n: doc.n + delta, v: doc.v + 1 } });
          if (res.modifiedCount === 1) return;
        } finally {
          // Released at once: a later writer with a stale version takes it and misses the filter.
          await claims.release(claim, 'tally');
        }
      }
      await new Promise((r) => setTimeout(r, 1 + Math.random() * 5));
    }
    throw new Error(`tally ${key} is too busy`);
  }

  /** Move the tallies from how a ticket was counted (`before`, null for a new one) to how it is now. */
  async function moved(before: Counted | null, after: Counted): Promise<void> {
    const was = new Set(before ? tallyKeys(before) : []);
    const is = new Set(tallyKeys(after));
    const changes: [string, number][] = [
      ...[...is].filter((k) => !was.has(k)).map((k) => [k, 1] as [string, number]),
      ...[...was].filter((k) => !is.has(k)).map((k) => [k, -1] as [string, number]),
    ];
    await Promise.all(changes.map(([k, d]) => add(k, d)));
  }

  /** The named tallies (0 for one never counted). The collection holds a few per status and week. */
  async function read(keys: string[]): Promise<Map<string, number>> {
    const docs = await Tally.find({}, { n: 1 }).lean();
    const all = new Map(docs.map((d) => [d._id, d.n]));
    return new Map(keys.map((k) => [k, all.get(k) ?? 0]));
  }

  return { moved, read, Tally };
}
export type TicketTallies = ReturnType<typeof createTicketTallies>;

/** 0002: count the tickets that exist into the tallies (once, at the upgrade; afterwards they move with each change). */
export function ticketTalliesMigration(deps: { conn: Connection }): Migration {
  return {
    id: '0002-ticket-tallies',
    async run() {
      const tickets = deps.conn.collection('tickets');
      const Tally = tallyModel(deps.conn);
      const counts = new Map<string, number>();
      for (const status of TICKET_STATUSES) counts.set(`status:${status}`, await tickets.countDocuments({ status }));
      counts.set('high-active', await tickets.countDocuments({ priority: { $in: ['critical', 'high'] }, status: { $in: ['open', 'in_progress'] } }));
      for (const field of ['openedWeek', 'resolvedWeek'] as const) {
        const rows = await tickets.aggregate<{ _id: string | null; n: number }>([{ $group: { _id: `$${field}`, n: { $sum: 1 } } }]).toArray();
        for (const r of rows) if (r._id) counts.set(`${field === 'openedWeek' ? 'opened' : 'resolved'}:${r._id}`, r.n);
      }
      for (const [key, n] of counts) await Tally.updateOne({ _id: key }, { $set: { n }, $setOnInsert: { v: 0 } }, { upsert: true });
    },
  };
}
