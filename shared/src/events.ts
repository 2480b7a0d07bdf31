import type { AckFn } from './errors.ts';
import type {
  AgentSyncInput,
  ChatMessageInput,
  ChatStartInput,
  ChatSyncInput,
  ConversationRef,
  LeaveMessageInput,
} from './schemas.ts';
import type {
  ChatRequestDto,
  ConversationDto,
  DashboardCounts,
  MessageDto,
  TicketDto,
  VisitorConversationDto,
} from './dto.ts';


// Inputs are typed as `unknown` on the server side of the wire: the server parses them with
// the schemas. Clients get the precise input types through the *Emits maps.

export interface VisitorClientEvents {
  /** Start (or continue) the visitor's open conversation with a first message. */
  'chat:start': (input: ChatStartInput, ack: AckFn<{ conversation: VisitorConversationDto; message: MessageDto }>) => void;
  'chat:message': (input: ChatMessageInput, ack: AckFn<MessageDto>) => void;
  /** The open (or named) conversation and every message after afterSeq. */
  'chat:sync': (
    input: ChatSyncInput,
    ack: AckFn<{ conversation: VisitorConversationDto | null; messages: MessageDto[] }>,
  ) => void;
  /** No one can help now: leave a message, which becomes a ticket. */
  'chat:leave-message': (input: LeaveMessageInput, ack: AckFn<{ ticketNumber: number }>) => void;
}

export interface VisitorServerEvents {
  'chat:message': (message: MessageDto) => void;
  'chat:updated': (conversation: VisitorConversationDto) => void;
  'agents:availability': (state: { online: boolean }) => void;
}

export interface AgentClientEvents {
  'chat:accept': (input: ConversationRef, ack: AckFn<ConversationDto>) => void;
  'chat:decline': (input: ConversationRef, ack: AckFn<null>) => void;
  /** Take a queued chat (first come, first served). */
  'chat:take': (input: ConversationRef, ack: AckFn<ConversationDto>) => void;
  'chat:message': (input: ChatMessageInput, ack: AckFn<MessageDto>) => void;
  'chat:sync': (input: AgentSyncInput, ack: AckFn<{ conversation: ConversationDto; messages: MessageDto[] }>) => void;
  /** The agent's live chats and the requests they can see. */
  'chat:list': (
    input: Record<string, never>,
    ack: AckFn<{ chats: ConversationDto[]; requests: ChatRequestDto[] }>,
  ) => void;
}

export interface AgentServerEvents {
  /** The full list of requests this agent can act on (offered to them, or queued). */
  'chat:requests': (requests: ChatRequestDto[]) => void;
  /** A conversation this agent handles changed (assigned, ended, converted). */
  'chat:updated': (conversation: ConversationDto) => void;
  'chat:message': (message: MessageDto) => void;
  'ticket:updated': (ticket: TicketDto) => void;
  'dashboard:counts': (counts: DashboardCounts) => void;
}
