import { Types } from 'mongoose';
import type { ChatService } from '../chats/chat.service.ts';
import type { ConversationStore } from '../chats/conversation-store.ts';
import type { Claims } from '../db/claims.ts';
import type { Clock } from '../lib/clock.ts';
import { isDuplicateKey } from '../lib/errors.ts';
import type { TicketDoc } from '../tickets/ticket.model.ts';
import type { CustomerChannel } from './channel.ts';

/**
 * The chat widget: the message joins the customer's conversation (a converted chat or a left
 * message), which the visitor reads live or on their next visit. A Help Center request sent
 * from the widget has no conversation; while that visitor is connected, replies open one for
 * the ticket, so they arrive in the widget too.
 */
export function createWidgetChannel(deps: {
  chats: ChatService;
  conversations: ConversationStore;
  claims: Claims;
  clock: Clock;
  isVisitorConnected: (visitorId: string) => Promise<boolean>;
}): CustomerChannel {
  const { chats, claims, clock } = deps;

  /** The ticket's own conversation for a Help Center visitor, created once (a claim names its id). */
  async function ticketConversation(d: { ticketId: Types.ObjectId; ticketNumber: number; visitorId: string; site: string; name?: string }) {
    const key = `ticket-conversation:${d.ticketId}`;
    const id = new Types.ObjectId();
    const conversationId = (await claims.take(key, String(id))) ? id : new Types.ObjectId((await claims.holder(key))!.owner);
    const now = clock.now();
    try {
      await deps.conversations.create({
        _id: conversationId,
        site: d.site,
        visitorId: d.visitorId,
        visitorName: d.name ?? 'Visitor',
        status: 'ticket',
        ticketId: d.ticketId,
        ticketNumber: d.ticketNumber,
        firstMessage: `Ticket #${d.ticketNumber}`,
        waitingSince: now,
        createdAt: now,
        updatedAt: now,
        routing: [],
      });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    return conversationId;
  }

  return {
    name: 'widget',
    inline: true,
    carries: (kind) => kind === 'reply',
    async reach(t: TicketDoc) {
      // A social conversation's customer is reached through their app (social/), not the widget.
      if (t.source === 'telegram') return null;
      if (t.conversationId) return { to: 'chat widget', conversationId: String(t.conversationId) };
      if (t.visitorId && t.site && (await deps.isVisitorConnected(t.visitorId))) return { to: 'chat widget' };
      return null;
    },
    async prepare(t, m) {
      return {
        widget: {
          ...(t.conversationId
            ? { conversationId: String(t.conversationId) }
            : { visitorId: t.visitorId!, site: t.site!, ...(t.requester.name ? { visitorName: t.requester.name } : {}) }),
          text: m.text,
          ...(m.author ? { authorId: m.author.id, authorName: m.author.name } : {}),
        },
      };
    },
    async send(d) {
      const w = d.widget;
      if (!w || !d.ticketId || d.ticketNumber === undefined) return { ok: false, permanent: true, error: 'Nothing to send' };
      const conversationId = w.conversationId
        ? new Types.ObjectId(w.conversationId)
        : await ticketConversation({
            ticketId: d.ticketId,
            ticketNumber: d.ticketNumber,
            visitorId: w.visitorId!,
            site: w.site!,
            ...(w.visitorName ? { name: w.visitorName } : {}),
          });
      // The clientId makes a repeated attempt store the message once.
      const { conv, message } = await chats.appendMessage(
        { _id: conversationId },
        {
          clientId: `ticket_${d.ticketId}_${d.seq}`,
          author: 'agent',
          ...(w.authorId ? { authorId: w.authorId } : {}),
          ...(w.authorName ? { authorName: w.authorName } : {}),
          text: w.text,
        },
      );
      chats.deliver(conv, message);
      return { ok: true };
    },
  };
}
