import { Schema, type Connection, type Types } from 'mongoose';
import { isDuplicateKey } from '../lib/errors.ts';

/**
 * What a ticket write still owes after its commit (the customer's copy of a reply, the webhook
 * events), written down before the commit and crossed off when done. A process that dies between
 * the commit and that work leaves its note behind, and the sweep does the work instead
 * (ticket-store.ts). The collection holds only writes in flight, so it stays tiny.
 */
export interface FollowUpDoc {
  /** `<ticket>:<first seq of the write>`: a writer that reuses the seqs of one that died shares it. */
  _id: string;
  ticketId: Types.ObjectId;
  /** The write's events are from..to. */
  from: number;
  to: number;
  at: Date;
}

const followUpSchema = new Schema<FollowUpDoc>(
  { _id: String, ticketId: { type: Schema.Types.ObjectId, required: true }, from: Number, to: Number, at: Date },
  { versionKey: false },
);

export function followUpModel(conn: Connection) {
  return conn.model<FollowUpDoc>('TicketFollowUp', followUpSchema, 'ticket_follow_ups');
}

export function createFollowUps(conn: Connection) {
  const FollowUp = followUpModel(conn);

  /** Note a write about to commit. */
  async function open(ticketId: Types.ObjectId, from: number, to: number, at: Date): Promise<string> {
    const _id = `${ticketId}:${from}`;
    try {
      await FollowUp.create({ _id, ticketId, from, to, at });
    } catch (e) {
      // Left by a writer of these seqs that died before its commit: the note is now this write's.
      if (!isDuplicateKey(e)) throw e;
      await FollowUp.updateOne({ _id }, { $set: { to, at } });
    }
    return _id;
  }

  async function done(id: string): Promise<void> {
    await FollowUp.deleteOne({ _id: id });
  }

  /** Notes older than `before`: their writers died, or are still finishing (the caller decides). */
  async function olderThan(before: Date, limit = 100): Promise<FollowUpDoc[]> {
    return FollowUp.find({ at: { $lt: before } })
      .limit(limit)
      .lean();
  }

  return { open, done, olderThan, FollowUp };
}
export type FollowUps = ReturnType<typeof createFollowUps>;
