import type { Connection, Types } from 'mongoose';
import type { ConversationStatus, MessageAuthor } from '@kamflo/shared';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import { claimKey, conversationModel, openClaimModel, type ConversationDoc, type RoutingEventType } from './conversation.model.ts';
import { messageModel, type MessageDoc } from './message.model.ts';
import { createMarks } from './marks.model.ts';

/** One page of messages (a sync, a ticket's transcript). */
export const MESSAGE_PAGE = 500;

/** Which conversation, and what must hold for a write to it: the visitor's own, not ended, …. */
export interface ConversationGuard {
  _id: Types.ObjectId;
  visitorId?: string;
  site?: string;
  assignee?: Types.ObjectId;
  status?: ConversationStatus | { $in: ConversationStatus[] } | { $ne: ConversationStatus };
}

type Ref = Types.ObjectId | string;
type Agent = { _id: Types.ObjectId; name: string };

/**
 * Everything stored about conversations: the conversations, the one-open-conversation-per-visitor
 * claims, their messages and marks. Chats, chat control, routing and tickets read and write them
 * through these queries only; the rules (who may, in which order, with which claim) stay theirs.
 */
export function createConversationStore(conn: Connection) {
  const Conversation = conversationModel(conn);
  const OpenClaim = openClaimModel(conn);
  const Message = messageModel(conn);
  const marks = createMarks(conn);
  const byId = (id: Types.ObjectId, update: object) => Conversation.findOneAndUpdate({ _id: id }, update, { new: true }).lean();

  return {
    Conversation,
    Message,
    marks,

    async get(id: Ref): Promise<ConversationDoc> {
      const conv = await Conversation.findById(id).lean();
      if (!conv) throw new AppError('not_found', 'Conversation not found');
      return conv;
    },
    /** By _id, null when there is none; `fields` narrows what is read. */
    find(id: Ref, fields?: Partial<Record<keyof ConversationDoc, 1>>): Promise<ConversationDoc | null> {
      return Conversation.findById(id, fields).lean();
    },
    findGuarded(guard: ConversationGuard): Promise<ConversationDoc | null> {
      return Conversation.findOne(guard).lean().exec();
    },
    /** The visitor's conversation by id, or their latest one. */
    ofVisitor(v: { site: string; visitorId: string }, conversationId?: string): Promise<ConversationDoc | null> {
      return conversationId
        ? Conversation.findOne({ _id: conversationId, visitorId: v.visitorId, site: v.site }).lean()
        : Conversation.findOne({ visitorId: v.visitorId, site: v.site }).sort({ createdAt: -1, _id: -1 }).lean();
    },
    /** A visitor's conversations (by the subject visitor-history.ts gives), newest first. */
    ofSubject(subject: { site: string; visitorId: string }, limit: number): Promise<ConversationDoc[]> {
      // _id breaks ties: two conversations started in the same millisecond keep their order.
      return Conversation.find(subject).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
    },
    async latestIdOf(site: string, visitorId: string): Promise<Types.ObjectId | null> {
      const latest = await Conversation.findOne({ site, visitorId }, { _id: 1 }).sort({ createdAt: -1, _id: -1 }).lean();
      return latest?._id ?? null;
    },
    async create(
      fields: Pick<
        ConversationDoc,
        '_id' | 'site' | 'visitorId' | 'visitorName' | 'status' | 'firstMessage' | 'waitingSince' | 'createdAt' | 'updatedAt' | 'routing'
      > &
        Partial<Pick<ConversationDoc, 'page' | 'previousConversationId' | 'ticketId' | 'ticketNumber' | 'channel' | 'connectionId' | 'handle'>>,
    ): Promise<ConversationDoc> {
      return (await Conversation.create(fields)).toObject();
    },
    /** An agent's live chats, most recently changed first. */
    activeOf(agentId: Types.ObjectId): Promise<ConversationDoc[]> {
      return Conversation.find({ assignee: agentId, status: 'active' }).sort({ updatedAt: -1 }).lean();
    },
    /**
     * By one status: FerretDB 1.x hands an equality on status to PostgreSQL (an `$in` or `$or`
     * it evaluates itself, decoding every conversation). Oldest waiting first when sorted.
     */
    withStatus(status: 'queued' | 'offered' | 'active', fields?: Partial<Record<keyof ConversationDoc, 1>>, limit?: number): Promise<ConversationDoc[]> {
      const q = Conversation.find({ status }, fields);
      if (limit !== undefined) q.sort({ waitingSince: 1 }).limit(limit);
      return q.lean();
    },

    setActive(id: Types.ObjectId, agent: Agent, type: RoutingEventType, now: Date) {
      return byId(id, {
        $set: { status: 'active', assignee: agent._id, assigneeName: agent.name, offeredTo: null, offerExpiresAt: null, transferNote: null, updatedAt: now },
        $push: { routing: { type, agentId: agent._id, at: now } },
      });
    },
    setEnded(id: Types.ObjectId, now: Date, agentId?: Types.ObjectId) {
      return byId(id, {
        $set: { status: 'ended', endedAt: now, offeredTo: null, offerExpiresAt: null, updatedAt: now },
        $push: { routing: { type: 'ended', ...(agentId ? { agentId } : {}), at: now } },
      });
    },
    setConverted(id: Types.ObjectId, ticket: { id: Types.ObjectId; number: number }, now: Date) {
      return byId(id, { $set: { status: 'ticket', ticketId: ticket.id, ticketNumber: ticket.number, updatedAt: now } });
    },
    /** Handed over by `from`: offered to `to` with the note, or back in the queue. */
    setTransferred(
      id: Types.ObjectId,
      t: { from: Agent; to: Types.ObjectId | null; note: { by: string; text: string; at: Date }; offerExpiresAt: Date | null },
    ) {
      const now = t.note.at;
      return byId(id, {
        $set: {
          status: t.to ? 'offered' : 'queued',
          assignee: null,
          assigneeName: null,
          offeredTo: t.to,
          offerExpiresAt: t.offerExpiresAt,
          transferNote: t.to ? t.note.text : null,
          waitingSince: now,
          updatedAt: now,
        },
        // The handing-over agent is not offered the chat back by routing.
        $addToSet: { declinedBy: t.from._id },
        $push: { handoffNotes: t.note, routing: { type: 'transferred', agentId: t.from._id, at: now } },
      });
    },
    async setOffered(id: Types.ObjectId, agentId: Types.ObjectId, expiresAt: Date, now: Date): Promise<void> {
      await Conversation.updateOne(
        { _id: id, status: 'queued' },
        {
          $set: { status: 'offered', offeredTo: agentId, offerExpiresAt: expiresAt, updatedAt: now },
          $push: { routing: { type: 'offered', agentId, at: now } },
        },
      );
    },
    /** Back in the queue after an offer; `declined` keeps it from that agent from now on. */
    async setRequeued(id: Types.ObjectId, agentId: Types.ObjectId, type: 'declined' | 'timeout' | 'offline', now: Date): Promise<void> {
      await Conversation.updateOne(
        { _id: id },
        {
          $set: { status: 'queued', offeredTo: null, offerExpiresAt: null, transferNote: null, updatedAt: now },
          ...(type === 'offline' ? {} : { $addToSet: { declinedBy: agentId } }),
          $push: { routing: { type, agentId, at: now } },
        },
      );
    },

    /** The claim on the visitor's open conversation: which one, and since when. */
    async openClaim(site: string, visitorId: string): Promise<{ conversationId: Types.ObjectId; at: Date } | null> {
      const claim = await OpenClaim.findById(claimKey(site, visitorId)).lean();
      return claim ? { conversationId: claim.conversationId, at: claim.at } : null;
    },
    /** The visitor's open conversation, by its claim. */
    async openConversationId(site: string, visitorId: string): Promise<Types.ObjectId | null> {
      const claim = await OpenClaim.findById(claimKey(site, visitorId)).lean();
      return claim?.conversationId ?? null;
    },
    /** Claim the visitor's one open conversation for `conversationId`; false when another start holds it. */
    async claimOpen(site: string, visitorId: string, conversationId: Types.ObjectId, at: Date): Promise<boolean> {
      try {
        await OpenClaim.create({ _id: claimKey(site, visitorId), conversationId, at });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    /** The visitor may open another conversation (only if this one held the claim). */
    async releaseOpen(conv: { _id: Types.ObjectId; site: string; visitorId: string }): Promise<void> {
      await OpenClaim.deleteOne({ _id: claimKey(conv.site, conv.visitorId), conversationId: conv._id });
    },

    /** The highest stored seq of a conversation, 0 before its first message. */
    async topSeq(conversationId: Types.ObjectId): Promise<number> {
      return (await Message.findOne({ conversationId }, { seq: 1 }).sort({ seq: -1 }).lean())?.seq ?? 0;
    },
    /** Fails with a duplicate key when the seq is taken, or the clientId already stored. */
    async insertMessage(m: {
      conversationId: Types.ObjectId;
      seq: number;
      createdAt: Date;
      clientId: string;
      author: MessageAuthor;
      authorId?: string;
      authorName?: string;
      text: string;
      attachments?: MessageDoc['attachments'];
    }): Promise<MessageDoc> {
      return (await Message.create(m)).toObject();
    },
    /** The newest message of a conversation. */
    lastMessage(conversationId: Types.ObjectId): Promise<MessageDoc | null> {
      return Message.findOne({ conversationId }).sort({ seq: -1 }).lean();
    },
    /** How many agent messages a conversation has after seq. */
    agentMessagesAfter(conversationId: Types.ObjectId, seq: number): Promise<number> {
      return Message.countDocuments({ conversationId, author: 'agent', seq: { $gt: seq } });
    },
    /** A social message's delivery state (the outbox's attempt is its one writer). */
    async setSocialDelivery(messageId: Types.ObjectId, social: NonNullable<MessageDoc['social']>): Promise<MessageDoc | null> {
      return Message.findOneAndUpdate({ _id: messageId }, { $set: { social } }, { new: true }).lean();
    },
    messageById(id: Ref): Promise<MessageDoc | null> {
      return Message.findById(id).lean();
    },
    messageByClientId(conversationId: Types.ObjectId, clientId: string): Promise<MessageDoc | null> {
      return Message.findOne({ conversationId, clientId }).lean();
    },
    messagesAfter(conversationId: Types.ObjectId, afterSeq: number, limit = MESSAGE_PAGE): Promise<MessageDoc[]> {
      return Message.find({ conversationId, seq: { $gt: afterSeq } })
        .sort({ seq: 1 })
        .limit(limit)
        .lean();
    },
  };
}
export type ConversationStore = ReturnType<typeof createConversationStore>;
