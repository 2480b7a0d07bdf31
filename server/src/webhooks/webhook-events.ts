import type { MessageDto, WebhookEvent } from '@kamflo/shared';
import type { TicketDoc, TicketEventDoc } from '../tickets/ticket.model.ts';
import { toTicketDto } from '../tickets/ticket.model.ts';
import type { ConversationDoc } from '../chats/conversation.model.ts';
import type { WebhookPayload } from './webhook.service.ts';

// Where webhook events come from, each from one place: a ticket written (the ticket store's
// committed hook, with the events of that write), and the chat hooks (a chat started, a message
// delivered, a chat ended). Event ids derive from what the event is about (ticket id and event
// seq, message id, conversation id), so a repeat of the same write yields the same id.

const payload = (type: WebhookEvent, id: string, at: Date, data: unknown): WebhookPayload => ({ id, type, createdAt: at.toISOString(), data });

/** The webhook events of a ticket write: the ticket events it appended. */
export function ticketPayloads(t: TicketDoc, fresh: TicketEventDoc[]): WebhookPayload[] {
  if (!fresh.length) return [];
  const ticket = toTicketDto(t);
  const out: WebhookPayload[] = [];
  const changes: TicketEventDoc[] = [];
  for (const e of fresh) {
    const change = { type: e.type, seq: e.seq, ...(e.from ? { from: e.from } : {}), ...(e.to ? { to: e.to } : {}) };
    if (e.type === 'created') out.push(payload('ticket.created', `ticket.created:${t._id}`, e.at, { ticket }));
    else if (e.type === 'resolved') out.push(payload('ticket.resolved', `ticket.resolved:${t._id}:${e.seq}`, e.at, { ticket, change }));
    else if (e.type === 'status_changed' && e.from === 'resolved' && e.to !== 'closed')
      out.push(payload('ticket.reopened', `ticket.reopened:${t._id}:${e.seq}`, e.at, { ticket, change }));
    else changes.push(e);
  }
  // The rest of a write that created, resolved or re-opened the ticket (the closing reply, the
  // customer's message) is part of that event; any other write is one ticket.updated.
  if (changes.length && !out.length) {
    const list = changes.map((e) => ({ type: e.type, seq: e.seq, ...(e.from ? { from: e.from } : {}), ...(e.to ? { to: e.to } : {}) }));
    out.push(payload('ticket.updated', `ticket.updated:${t._id}:${changes[0]!.seq}`, changes[0]!.at, { ticket, changes: list }));
  }
  return out;
}

const chatOf = (c: ConversationDoc) => ({
  id: String(c._id),
  site: c.site,
  visitorId: c.visitorId,
  visitorName: c.visitorName,
  status: c.status,
  ...(c.assignee ? { assignee: { id: String(c.assignee), name: c.assigneeName } } : {}),
  ...(c.ticketNumber ? { ticketNumber: c.ticketNumber } : {}),
  createdAt: c.createdAt.toISOString(),
});

export const chatStartedPayload = (c: ConversationDoc) => payload('chat.started', `chat.started:${c._id}`, c.createdAt, { chat: chatOf(c) });
export const chatEndedPayload = (c: ConversationDoc) => payload('chat.ended', `chat.ended:${c._id}`, c.updatedAt, { chat: chatOf(c) });
export const messagePayload = (c: ConversationDoc, m: MessageDto) =>
  payload('message.created', `message.created:${m.id}`, new Date(m.createdAt), { chatId: String(c._id), message: m });
