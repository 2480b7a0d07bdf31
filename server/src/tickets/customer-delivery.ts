import type { ChatService } from '../chats/chat.service.ts';
import type { TicketDoc } from './ticket.model.ts';
import type { TicketAgent } from './ticket-store.ts';

/**
 * Sends a customer-facing reply (reply, escalation update, closing message) to where the customer
 * is: today the conversation the ticket came from, so it reaches their widget. `eventSeq` (the
 * reply's event) makes a repeated delivery of one reply a no-op.
 */
export type DeliverToCustomer = (t: TicketDoc, eventSeq: number, text: string, agent: TicketAgent) => Promise<void>;

export function createCustomerDelivery(deps: { chats: ChatService }): DeliverToCustomer {
  return async (t, eventSeq, text, agent) => {
    if (!t.conversationId) return; // Help Center and agent-created tickets: no channel carries these yet
    const { conv, message } = await deps.chats.appendMessage(
      { _id: t.conversationId },
      { clientId: `ticket_${t._id}_${eventSeq}`, author: 'agent', authorId: String(agent._id), authorName: agent.name, text },
    );
    deps.chats.deliver(conv, message);
  };
}
