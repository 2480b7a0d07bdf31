import { Schema, type Connection, type Types } from 'mongoose';
import { isDuplicateKey } from '../lib/errors.ts';

/**
 * Per-conversation hints that change with every message or read: the last message (idle chats)
 * and how far each side has read (read receipts). They live apart from the conversation
 * document on purpose: FerretDB 1.x writes an update as a whole new document built from what it
 * read, so a hint written beside a routing change (offer, accept) could undo that change. Each
 * kind is its own document; racing writers of one kind can only lose a hint, never routing state.
 */
export type MarkKind = 'activity' | 'visitorRead' | 'agentRead';

interface MarkDoc {
  /** `<conversationId>:<kind>` */
  _id: string;
  conversationId: Types.ObjectId;
  kind: MarkKind;
  seq: number;
  at: Date;
}

const markSchema = new Schema<MarkDoc>(
  {
    _id: { type: String, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
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
    /** How far the visitor has read, for each of these conversations. */
    async visitorRead(conversationIds: (Types.ObjectId | string)[]): Promise<Map<string, number>> {
      if (conversationIds.length === 0) return new Map();
      const docs = await Mark.find({ _id: { $in: conversationIds.map((c) => id(c, 'visitorRead')) } }, { conversationId: 1, seq: 1 }).lean();
      return new Map(docs.map((d) => [String(d.conversationId), d.seq]));
    },
    /** Conversations whose last message is older than `before`. */
    async quietSince(before: Date, limit: number): Promise<Types.ObjectId[]> {
      const docs = await Mark.find({ kind: 'activity', at: { $lte: before } }, { conversationId: 1 }).sort({ at: 1 }).limit(limit).lean();
      return docs.map((d) => d.conversationId);
    },
    async forget(conversationIds: Types.ObjectId[]): Promise<void> {
      if (conversationIds.length) await Mark.deleteMany({ _id: { $in: conversationIds.map((c) => id(c, 'activity')) } });
    },
  };
}
export type Marks = ReturnType<typeof createMarks>;
