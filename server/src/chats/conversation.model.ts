import { Schema, type Connection, type Types } from 'mongoose';
import type { ConversationDto, ConversationStatus, SocialChannel, VisitorConversationDto } from '@kamflo/shared';

export type RoutingEventType = 'queued' | 'offered' | 'accepted' | 'declined' | 'timeout' | 'offline' | 'taken' | 'assigned' | 'transferred' | 'ended';

export interface ConversationDoc {
  _id: Types.ObjectId;
  site: string;
  visitorId: string;
  visitorName: string;
  status: ConversationStatus;
  page?: string;
  firstMessage: string;
  /** The one agent this chat is offered to right now, if any. */
  offeredTo: Types.ObjectId | null;
  offerExpiresAt: Date | null;
  declinedBy: Types.ObjectId[];
  assignee: Types.ObjectId | null;
  assigneeName?: string;
  ticketId: Types.ObjectId | null;
  ticketNumber?: number;
  waitingSince: Date;
  createdAt: Date;
  updatedAt: Date;
  /** Every offer, accept, decline and timeout, in order. */
  routing: { type: RoutingEventType; agentId?: Types.ObjectId; at: Date }[];
  /** Set while a transfer offer is pending: shown to the receiving agent. */
  transferNote?: string | null;
  /** Internal handoff notes (agents only, never sent to the visitor). */
  handoffNotes: { by: string; text: string; at: Date }[];
  previousConversationId?: Types.ObjectId;
  endedAt?: Date;
  /** A social conversation (social/): the channel, the connection it came through, the customer's handle. */
  channel?: SocialChannel;
  connectionId?: Types.ObjectId;
  handle?: string;
  /** The widget's language when the chat started. */
  locale?: string;
}

const conversationSchema = new Schema<ConversationDoc>(
  {
    site: { type: String, required: true },
    visitorId: { type: String, required: true },
    visitorName: { type: String, required: true },
    status: { type: String, required: true },
    page: String,
    locale: String,
    firstMessage: { type: String, required: true },
    offeredTo: { type: Schema.Types.ObjectId, default: null },
    offerExpiresAt: { type: Date, default: null },
    declinedBy: { type: [Schema.Types.ObjectId], default: [] },
    assignee: { type: Schema.Types.ObjectId, default: null },
    assigneeName: String,
    ticketId: { type: Schema.Types.ObjectId, default: null },
    ticketNumber: Number,
    waitingSince: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    routing: {
      type: [{ _id: false, type: { type: String }, agentId: Schema.Types.ObjectId, at: Date }],
      default: [],
    },
    transferNote: { type: String, default: null },
    handoffNotes: { type: [{ _id: false, by: String, text: String, at: Date }], default: [] },
    previousConversationId: Schema.Types.ObjectId,
    endedAt: Date,
    channel: String,
    connectionId: Schema.Types.ObjectId,
    handle: String,
  },
  { versionKey: false },
);
conversationSchema.index({ site: 1, visitorId: 1, createdAt: -1 });
conversationSchema.index({ status: 1, waitingSince: 1 });
conversationSchema.index({ assignee: 1, status: 1 });
conversationSchema.index({ status: 1, offerExpiresAt: 1 });
conversationSchema.index({ status: 1, updatedAt: 1 });

export function conversationModel(conn: Connection) {
  return conn.model<ConversationDoc>('Conversation', conversationSchema, 'conversations');
}

/**
 * One open conversation per visitor and site: the server inserts this claim before creating a
 * conversation, and the unique _id makes a racing second start find the first one instead.
 */
interface OpenClaimDoc {
  _id: string;
  conversationId: Types.ObjectId;
  at: Date;
}
const openClaimSchema = new Schema<OpenClaimDoc>(
  { _id: String, conversationId: { type: Schema.Types.ObjectId, required: true }, at: Date },
  { versionKey: false },
);
export function openClaimModel(conn: Connection) {
  return conn.model<OpenClaimDoc>('OpenClaim', openClaimSchema, 'conversation_claims');
}
export const claimKey = (site: string, visitorId: string) => `${site}:${visitorId}`;

export function toVisitorConversationDto(c: ConversationDoc): VisitorConversationDto {
  const dto: VisitorConversationDto = { id: String(c._id), status: c.status, createdAt: c.createdAt.toISOString() };
  if (c.assigneeName && c.status !== 'queued' && c.status !== 'offered') dto.agentName = c.assigneeName;
  if (c.ticketNumber) dto.ticketNumber = c.ticketNumber;
  return dto;
}

/** `seen`: the conversation's marks (marks.model.ts), how far the visitor has read and their page now. */
export function toConversationDto(c: ConversationDoc, seen: { visitorReadSeq?: number; page?: string } = {}): ConversationDto {
  const dto: ConversationDto = {
    ...toVisitorConversationDto(c),
    visitorId: c.visitorId,
    visitorName: c.visitorName,
    site: c.site,
    firstMessage: c.firstMessage,
    waitingSince: c.waitingSince.toISOString(),
  };
  const page = seen.page ?? c.page;
  if (page) dto.page = page;
  if (c.locale) dto.locale = c.locale;
  if (c.assignee) dto.assignee = { id: String(c.assignee), name: c.assigneeName ?? '' };
  if (c.handoffNotes?.length) dto.handoffNotes = c.handoffNotes.map((n) => ({ by: n.by, text: n.text, at: n.at.toISOString() }));
  if (c.previousConversationId) dto.previousConversationId = String(c.previousConversationId);
  if (seen.visitorReadSeq) dto.visitorReadSeq = seen.visitorReadSeq;
  if (c.channel) dto.channel = c.channel;
  if (c.handle) dto.handle = c.handle;
  return dto;
}
