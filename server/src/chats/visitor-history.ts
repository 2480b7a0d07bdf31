import type { Types } from 'mongoose';
import type { TicketStatus, VisitorConversationDto, VisitorConversationSummaryDto } from '@kamflo/shared';
import type { Notifier } from '../realtime/notify.ts';
import type { VisitorIdentity } from '../visitors/visitor-token.ts';
import type { ConversationStore } from './conversation-store.ts';
import { toVisitorConversationDto, type ConversationDoc } from './conversation.model.ts';
import { toMessageDto } from './message.model.ts';

/** How many of their conversations the widget lists (the newest). */
export const HISTORY_LIMIT = 25;
const LAST_TEXT = 200;

/**
 * Whose conversations these are: the filter every history query starts from. A verified user's
 * visitor id is derived from (site, user id) (visitors/), so theirs is the same on every device.
 */
export function visitorSubject(v: VisitorIdentity): { site: string; visitorId: string } {
  return { site: v.site, visitorId: v.visitorId };
}

/**
 * "Your conversations": the visitor's chats and tickets, each with its ticket's status, its newest
 * message and how many agent messages the visitor has not read (after their read mark, which the
 * widget moves with `chat:read`).
 */
export function createVisitorHistory(deps: {
  conversations: ConversationStore;
  /** The status of each ticket (tickets by _id; missing ones are left out). */
  ticketStatuses: (ids: Types.ObjectId[]) => Promise<Map<string, TicketStatus>>;
  /** The widget conversation a ticket's replies go to, if it has one. */
  conversationOfTicket: (t: { _id: Types.ObjectId; conversationId?: Types.ObjectId }) => Promise<Types.ObjectId | null>;
  notify: Notifier;
}) {
  const { conversations, notify } = deps;
  const { marks } = conversations;

  /** The visitor's DTO of a conversation, with its ticket's status when it became one. */
  async function withTicketStatus(dto: VisitorConversationDto, conv: Pick<ConversationDoc, 'ticketId'>): Promise<VisitorConversationDto> {
    if (!conv.ticketId) return dto;
    const status = (await deps.ticketStatuses([conv.ticketId])).get(String(conv.ticketId));
    if (status) dto.ticketStatus = status;
    return dto;
  }

  async function list(v: VisitorIdentity): Promise<{ conversations: VisitorConversationSummaryDto[] }> {
    const convs = await conversations.ofSubject(visitorSubject(v), HISTORY_LIMIT);
    const statuses = await deps.ticketStatuses(convs.flatMap((c) => (c.ticketId ? [c.ticketId] : [])));
    // A few lookups per conversation, by conversation id (served by the unique indexes on MongoDB).
    const summaries = await Promise.all(
      convs.map(async (c): Promise<VisitorConversationSummaryDto> => {
        const [last, readSeq] = await Promise.all([conversations.lastMessage(c._id), marks.seqOf(c._id, 'visitorRead')]);
        const unread = await conversations.agentMessagesAfter(c._id, readSeq);
        const conversation = toVisitorConversationDto(c);
        const status = c.ticketId && statuses.get(String(c.ticketId));
        if (status) conversation.ticketStatus = status;
        const summary: VisitorConversationSummaryDto = { conversation, unread, readSeq };
        if (last) summary.last = { ...toMessageDto(last), text: last.text.slice(0, LAST_TEXT) };
        return summary;
      }),
    );
    return { conversations: summaries };
  }

  /**
   * A ticket changed (the ticket store's onPublished): when its status did, the visitor's
   * conversation of it is pushed with the new status, so the widget shows it at once.
   */
  async function ticketChanged(t: { _id: Types.ObjectId; status: TicketStatus; conversationId?: Types.ObjectId }, written: { type: string }[]) {
    if (!written.some((e) => e.type === 'status_changed' || e.type === 'resolved')) return;
    const id = await deps.conversationOfTicket(t);
    const conv = id && (await conversations.find(id));
    if (conv) notify.visitor(conv.visitorId, 'chat:updated', { ...toVisitorConversationDto(conv), ticketStatus: t.status });
  }

  return { list, withTicketStatus, ticketChanged };
}
export type VisitorHistory = ReturnType<typeof createVisitorHistory>;
