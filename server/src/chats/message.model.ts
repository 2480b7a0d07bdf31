import { Schema, type Connection, type Types } from 'mongoose';
import type { MessageAuthor, MessageDto } from '@kamflo/shared';

export interface MessageDoc {
  _id: Types.ObjectId;
  conversationId: Types.ObjectId;
  clientId: string;
  seq: number;
  author: MessageAuthor;
  authorId?: string;
  authorName?: string;
  text: string;
  createdAt: Date;
}

const messageSchema = new Schema<MessageDoc>(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: String, required: true },
    seq: { type: Number, required: true },
    author: { type: String, required: true },
    authorId: String,
    authorName: String,
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A retried send finds its first copy: stored once, acknowledged the same way every time.
messageSchema.index({ conversationId: 1, clientId: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });

export function messageModel(conn: Connection) {
  return conn.model<MessageDoc>('Message', messageSchema, 'messages');
}

export function toMessageDto(m: MessageDoc): MessageDto {
  const dto: MessageDto = {
    id: String(m._id),
    conversationId: String(m.conversationId),
    clientId: m.clientId,
    seq: m.seq,
    author: m.author,
    text: m.text,
    createdAt: m.createdAt.toISOString(),
  };
  if (m.authorName) dto.authorName = m.authorName;
  return dto;
}
