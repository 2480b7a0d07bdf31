import { Schema, type Connection, type Types } from 'mongoose';
import type { MessageAuthor, MessageDto, SocialAttachmentDto, SocialDeliveryDto } from '@kamflo/shared';

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
  /** A social message's attachments; `fileId` is the provider's, never sent to browsers. */
  attachments?: SocialAttachment[];
  /**
   * An agent's message in a social conversation: its delivery's state, written only by the
   * outbox's attempt (under its claim), the one writer of a stored message.
   */
  social?: Omit<SocialDeliveryDto, 'nextAttemptAt'> & { nextAttemptAt?: Date };
}

export type SocialAttachment = Omit<SocialAttachmentDto, 'url'> & { fileId?: string };

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
    attachments: { type: Schema.Types.Mixed, default: undefined },
    social: { type: Schema.Types.Mixed, default: undefined },
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
  if (m.attachments?.length)
    dto.attachments = m.attachments.map(({ fileId, ...a }, i) => ({ ...a, ...(fileId ? { url: `/api/channels/files/${m._id}/${i}` } : {}) }));
  if (m.social) {
    const { nextAttemptAt, ...rest } = m.social;
    dto.social = { ...rest, ...(nextAttemptAt && rest.state === 'retrying' ? { nextAttemptAt: nextAttemptAt.toISOString() } : {}) };
  }
  return dto;
}
