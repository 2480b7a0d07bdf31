import { Schema, type Connection, type Types } from 'mongoose';
import { isDuplicateKey } from '../lib/errors.ts';

/**
 * Per-conversation hints that change with every message or read: the last message (idle chats)
 * and how far each side has read (read receipts). They live apart from the conversation
 * document on purpose: FerretDB 1.x writes an update as a whole new document built from what it
 * read, so a hint written beside a routing change (offer, accept) could undo that change. Each
 * kind is its own document; racing writers of one kind can only lose a hint, never routing state.
 */
export type MarkKind = 'activity' | 'visitorRead' | 'agentRead' | 'page';

interface MarkDoc {
  /** `<conversationId>:<kind>` */
  _id: string;
  conversationId: Types.ObjectId;
  kind: MarkKind;
  seq: number;
  at: Date;
  /** kind 'page': the page the visitor was last seen on. */
  page?: string;
}

const markSchema = new Schema<MarkDoc>(
  {
    _id: { type: String, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    page: { type: String },
  },
  { versionKey: false },
);
markSchema.index({ kind: 1, at: 1 });
markSchema.index({ conversationId: 1 });

export function markModel(conn: Connection) {
  return conn.model<MarkDoc>('ConversationMark', markSchema, 'conversation_marks');
}

export function createMarks(conn: Connection) {
  const Mark = markModel(conn);
  const id = (conversationId: Types.ObjectId | string, kind: MarkKind) => `${conversationId}:${kind}`;
  return {
    Mark,
    /** Move a mark forward to seq (never back). */
    async advance(conversationId: Types.ObjectId, kind: MarkKind, seq: number, at: Date): Promise<void> {
      try {
        await Mark.updateOne({ _id: id(conversationId, kind), seq: { $lt: seq } }, { $set: { conversationId, kind, seq, at } }, { upsert: true });
      } catch (e) {
        // The mark exists with a seq at least as high: the upsert's insert lost, as it should.
        if (!isDuplicateKey(e)) throw e;
      }
    },
    async seqOf(conversationId: Types.ObjectId | string, kind: MarkKind): Promise<number> {
      return (await Mark.findById(id(conversationId, kind), { seq: 1 }).lean())?.seq ?? 0;
    },
    /** What agents see beside each conversation: how far the visitor has read, and their page now. */
    async forAgents(conversationIds: (Types.ObjectId | string)[]): Promise<Map<string, { visitorReadSeq?: number; page?: string }>> {
      const out = new Map<string, { visitorReadSeq?: number; page?: string }>();
      if (conversationIds.length === 0) return out;
      // One lookup by _id each (an agent has a handful of chats): FerretDB 1.x serves an _id
      // equality from PostgreSQL, while an `$in` would decode every mark.
      const ids = conversationIds.flatMap((c) => [id(c, 'visitorRead'), id(c, 'page')]);
      const docs = await Promise.all(ids.map((_id) => Mark.findById(_id, { conversationId: 1, kind: 1, seq: 1, page: 1 }).lean()));
      for (const d of docs) {
        if (!d) continue;
        const entry = out.get(String(d.conversationId)) ?? {};
        if (d.kind === 'page') entry.page = d.page;
        else entry.visitorReadSeq = d.seq;
        out.set(String(d.conversationId), entry);
      }
      return out;
    },
    async pageOf(conversationId: Types.ObjectId): Promise<string | undefined> {
      return (await Mark.findById(id(conversationId, 'page'), { page: 1 }).lean())?.page;
    },
    async setPage(conversationId: Types.ObjectId, page: string, at: Date): Promise<void> {
      await Mark.updateOne({ _id: id(conversationId, 'page') }, { $set: { conversationId, kind: 'page', seq: 0, at, page } }, { upsert: true });
    },
    /** Conversations whose last message is older than `before`. */
    async quietSince(before: Date, limit: number): Promise<Types.ObjectId[]> {
      const docs = await Mark.find({ kind: 'activity', at: { $lte: before } }, { conversationId: 1 })
        .sort({ at: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => d.conversationId);
    },
    async forget(conversationIds: Types.ObjectId[]): Promise<void> {
      if (conversationIds.length) await Mark.deleteMany({ _id: { $in: conversationIds.map((c) => id(c, 'activity')) } });
    },
  };
}
export type Marks = ReturnType<typeof createMarks>;
