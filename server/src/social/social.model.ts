import { Schema, type Connection, type Types } from 'mongoose';
import type { SocialChannel, SocialConnectionDto } from '@kamflo/shared';
import type { SocialAttachment } from '../chats/message.model.ts';

/**
 * A social channel connected to a site: for Telegram, the bot's token and the secret Telegram
 * sends back on every webhook request. Both stay on the server: the DTO, the logs and the
 * errors never carry them.
 */
export interface SocialConnectionDoc {
  _id: Types.ObjectId;
  channel: SocialChannel;
  site: string;
  account: { id: string; name: string; username?: string };
  /** Telegram's bot token (the Bot API has no other credential). */
  botToken: string;
  /** Compared (as SHA-256, in constant time) with X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret: string;
  webhookUrl: string;
  connectedAt: Date;
  lastInboundAt?: Date;
}

const connectionSchema = new Schema<SocialConnectionDoc>(
  {
    channel: { type: String, required: true },
    site: { type: String, required: true },
    account: { _id: false, id: String, name: String, username: String },
    botToken: { type: String, required: true },
    webhookSecret: { type: String, required: true },
    webhookUrl: String,
    connectedAt: Date,
    lastInboundAt: Date,
  },
  { versionKey: false },
);
// One bot per site and channel; one site per bot (a bot has one webhook).
connectionSchema.index({ channel: 1, site: 1 }, { unique: true });
connectionSchema.index({ channel: 1, 'account.id': 1 }, { unique: true });

export function socialConnectionModel(conn: Connection) {
  return conn.model<SocialConnectionDoc>('SocialConnection', connectionSchema, 'social_connections');
}

export function toSocialConnectionDto(c: SocialConnectionDoc): SocialConnectionDto {
  return {
    id: String(c._id),
    channel: c.channel,
    site: c.site,
    account: { id: c.account.id, name: c.account.name, ...(c.account.username ? { username: c.account.username } : {}) },
    webhookUrl: c.webhookUrl,
    connectedAt: c.connectedAt.toISOString(),
    ...(c.lastInboundAt ? { lastInboundAt: c.lastInboundAt.toISOString() } : {}),
  };
}

/**
 * An inbound social message, stored once by `<channel>:<connection>:<provider key>` before the
 * webhook is acknowledged (providers retry: a repeat finds this and is acknowledged again), then
 * processed into a conversation. `received` ones are processed again by the sweep.
 */
export interface SocialInboundDoc {
  _id: string;
  channel: SocialChannel;
  connectionId: Types.ObjectId;
  state: 'received' | 'stored';
  chatId: string;
  name: string;
  handle?: string;
  text: string;
  attachments: SocialAttachment[];
  sentAt: Date;
  receivedAt: Date;
  conversationId?: Types.ObjectId;
  messageId?: Types.ObjectId;
  attempts: number;
  lastError?: string;
}

const inboundSchema = new Schema<SocialInboundDoc>(
  {
    _id: String,
    channel: String,
    connectionId: Schema.Types.ObjectId,
    state: String,
    chatId: String,
    name: String,
    handle: String,
    text: String,
    attachments: { type: Schema.Types.Mixed, default: [] },
    sentAt: Date,
    receivedAt: Date,
    conversationId: Schema.Types.ObjectId,
    messageId: Schema.Types.ObjectId,
    attempts: { type: Number, default: 0 },
    lastError: String,
  },
  { versionKey: false },
);
inboundSchema.index({ state: 1, receivedAt: 1 });

export function socialInboundModel(conn: Connection) {
  return conn.model<SocialInboundDoc>('SocialInbound', inboundSchema, 'social_inbound');
}
