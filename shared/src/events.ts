import type { AckFn } from './errors.ts';
import type {
  AgentSyncInput,
  ChatMessageInput,
  ChatStartInput,
  ChatSyncInput,
  AgentStatusInput,
  AssignChatInput,
  ConversationRef,
  HistoryInput,
  LeaveMessageInput,
  ReadInput,
  TransferInput,
  TypingInput,
} from './schemas.ts';
import type { DeliveryDto } from './channels.ts';
import type {
  AgentPresenceDto,
  ChatRequestDto,
  ConversationDto,
  QueueStateDto,
  DashboardCounts,
  MessageDto,
  NotificationDto,
  TicketDto,
  VisitorConversationDto,
  VisitorConversationSummaryDto,
  VisitorTokenDto,
} from './dto.ts';

// The *ClientEvents maps say what a client sends and what its acknowledgement carries; clients
// use them as they are. The server receives them through `Received<…>`: the same events and
// acknowledgements, but every input `unknown` until its handler parses it with the schema.

export interface VisitorClientEvents {
  /** Start (or continue) the visitor's open conversation with a first message. */
  'chat:start': (input: ChatStartInput, ack: AckFn<{ conversation: VisitorConversationDto; message: MessageDto }>) => void;
  'chat:message': (input: ChatMessageInput, ack: AckFn<MessageDto>) => void;
  /** The open (or named) conversation and every message after afterSeq. */
  'chat:sync': (input: ChatSyncInput, ack: AckFn<{ conversation: VisitorConversationDto | null; messages: MessageDto[] }>) => void;
  /** No one can help now: leave a message, which becomes a ticket. */
  'chat:leave-message': (input: LeaveMessageInput, ack: AckFn<{ ticketNumber: number }>) => void;
  'chat:end': (input: ConversationRef, ack: AckFn<VisitorConversationDto>) => void;
  'chat:typing': (input: TypingInput) => void;
  'chat:read': (input: ReadInput) => void;
  /** The visitor's conversations and tickets, newest first ("Your conversations"). */
  'chat:history': (input: HistoryInput, ack: AckFn<{ conversations: VisitorConversationSummaryDto[] }>) => void;
}

export interface VisitorServerEvents {
  'chat:message': (message: MessageDto) => void;
  'chat:updated': (conversation: VisitorConversationDto) => void;
  'agents:availability': (state: { online: boolean }) => void;
  'chat:queue': (state: QueueStateDto) => void;
  'chat:typing': (state: { conversationId: string; typing: boolean; name?: string }) => void;
  /** The agent has read up to seq. */
  'chat:read': (state: { conversationId: string; seq: number }) => void;
  /** A fresh visitor token (same visitor, later expiry): store it and use it from now on. */
  'visitor:token': (token: VisitorTokenDto) => void;
}

export interface AgentClientEvents {
  'chat:accept': (input: ConversationRef, ack: AckFn<ConversationDto>) => void;
  'chat:decline': (input: ConversationRef, ack: AckFn<null>) => void;
  /** Take a queued chat (first come, first served). */
  'chat:take': (input: ConversationRef, ack: AckFn<ConversationDto>) => void;
  'chat:message': (input: ChatMessageInput, ack: AckFn<MessageDto>) => void;
  'chat:sync': (input: AgentSyncInput, ack: AckFn<{ conversation: ConversationDto; messages: MessageDto[] }>) => void;
  /** The agent's live chats and the requests they can see. */
  'chat:list': (input: Record<string, never>, ack: AckFn<{ chats: ConversationDto[]; requests: ChatRequestDto[] }>) => void;
  'chat:end': (input: ConversationRef, ack: AckFn<ConversationDto>) => void;
  /** Hand a live chat to a colleague (who accepts or declines) or back to the queue, with a note. */
  'chat:transfer': (input: TransferInput, ack: AckFn<ConversationDto>) => void;
  /** Team leads: give a queued chat to an agent. */
  'chat:assign': (input: AssignChatInput, ack: AckFn<ConversationDto>) => void;
  'chat:typing': (input: TypingInput) => void;
  'chat:read': (input: ReadInput) => void;
  'agent:status': (input: AgentStatusInput, ack: AckFn<AgentPresenceDto>) => void;
  /** Who is online and how loaded (team leads and above). */
  'presence:list': (input: Record<string, never>, ack: AckFn<AgentPresenceDto[]>) => void;
}

export interface AgentServerEvents {
  /** The full list of requests this agent can act on (offered to them, or queued). */
  'chat:requests': (requests: ChatRequestDto[]) => void;
  /** A conversation this agent handles changed (assigned, ended, converted). */
  'chat:updated': (conversation: ConversationDto) => void;
  'chat:message': (message: MessageDto) => void;
  'ticket:updated': (ticket: TicketDto) => void;
  'dashboard:counts': (counts: DashboardCounts) => void;
  'chat:typing': (state: { conversationId: string; typing: boolean }) => void;
  /** The visitor has read up to seq. */
  'chat:read': (state: { conversationId: string; seq: number }) => void;
  /** The visitor is now on another page. */
  'chat:page': (state: { conversationId: string; page: string }) => void;
  /** Team leads: every agent's presence and load, on every change. */
  'presence:updated': (agents: AgentPresenceDto[]) => void;
  /** A customer-facing message's delivery changed state (queued → sent, retrying, failed). */
  'delivery:updated': (update: { ticketNumber: number; delivery: DeliveryDto }) => void;
  /** An alert for this agent (SLA alert, re-opened ticket). */
  'notification:new': (notification: NotificationDto) => void;
}

/**
 * A client→server map as the server receives it: whatever arrives is unchecked (`unknown`) until
 * parsed with its schema, while the acknowledgement keeps the type the client expects.
 */
export type Received<M> = {
  [E in keyof M]: M[E] extends (input: never, ...rest: infer Rest) => void ? (input: unknown, ...rest: Rest) => void : never;
};
