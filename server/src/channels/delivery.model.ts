import { Schema, type Connection, type Types } from 'mongoose';
import type { Channel, DeliveryDto, DeliveryState } from '@kamflo/shared';
import type { OutboundMail } from '../email/transport.ts';

/**
 * The outbox: one document per customer-facing message per channel, keyed
 * `<ticket id>:<event seq>:<channel>` so recording twice stores it once. Kept out of the
 * ticket's events (which are hashed and will move to their own collection): the timeline
 * joins these by seq when it is read. A social conversation's agent message before any ticket
 * (social/) is keyed `message:<message id>:<channel>` and has no ticket: `conversationId` and
 * `messageId` instead, and its state is mirrored onto the message.
 */
export interface DeliveryDoc {
  _id: string;
  ticketId?: Types.ObjectId;
  ticketNumber?: number;
  conversationId?: string;
  messageId?: string;
  seq: number;
  kind: 'reply' | 'acknowledgement';
  channel: Channel;
  state: DeliveryState;
  attempts: number;
  /** When the outbox should try (again); null once sent or failed. */
  nextAttemptAt: Date | null;
  lastError?: string;
  sentAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  to?: string;
  /** Email: the message as composed when the reply was recorded, sent the same on every attempt. */
  email?: OutboundMail;
  /** Widget: what to append to the customer's conversation. */
  widget?: {
    conversationId?: string;
    visitorId?: string;
    site?: string;
    visitorName?: string;
    text: string;
    authorId?: string;
    authorName?: string;
  };
  /** Telegram: the bot's connection, the customer's chat, the text; how many parts were accepted (long texts go in parts). */
  telegram?: { connectionId: string; chatId: string; text: string; sentParts?: number };
}

const schema = new Schema<DeliveryDoc>(
  {
    _id: String,
    ticketId: Schema.Types.ObjectId,
    ticketNumber: Number,
    conversationId: String,
    messageId: String,
    seq: Number,
    kind: String,
    channel: String,
    state: String,
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    lastError: String,
    sentAt: Date,
    createdAt: Date,
    updatedAt: Date,
    to: String,
    email: { type: Schema.Types.Mixed, default: undefined },
    widget: { type: Schema.Types.Mixed, default: undefined },
    telegram: { type: Schema.Types.Mixed, default: undefined },
  },
  { versionKey: false },
);
// The outbox's query: due deliveries (state equality is pushed down to PostgreSQL on FerretDB).
schema.index({ state: 1, nextAttemptAt: 1 });
schema.index({ ticketId: 1, seq: 1 });

export function deliveryModel(conn: Connection) {
  return conn.model<DeliveryDoc>('Delivery', schema, 'deliveries');
}

export function toDeliveryDto(d: DeliveryDoc): DeliveryDto {
  return {
    id: d._id,
    seq: d.seq,
    kind: d.kind,
    channel: d.channel,
    state: d.state,
    ...(d.to ? { to: d.to } : {}),
    attempts: d.attempts,
    ...(d.lastError && d.state !== 'sent' ? { error: d.lastError } : {}),
    ...(d.nextAttemptAt && d.state === 'retrying' ? { nextAttemptAt: d.nextAttemptAt.toISOString() } : {}),
    ...(d.sentAt ? { sentAt: d.sentAt.toISOString() } : {}),
    updatedAt: d.updatedAt.toISOString(),
  };
}
