import type { Role } from './agents.ts';
import type { Category, Priority, TicketSource, TicketStatus } from './tickets.ts';

// What leaves the server. Plain JSON: ids are strings, dates are ISO strings.

export type MessageAuthor = 'visitor' | 'agent' | 'system';
export interface MessageDto {
  id: string;
  conversationId: string;
  clientId: string;
  /** Order within the conversation; strictly increasing, may have gaps. */
  seq: number;
  author: MessageAuthor;
  authorName?: string;
  text: string;
  createdAt: string;
}

/**
 * queued: waiting for any agent; offered: waiting for one agent's answer; active: with an agent;
 * ended: over; ticket: turned into a ticket (later replies arrive through the ticket).
 */
export type ConversationStatus = 'queued' | 'offered' | 'active' | 'ended' | 'ticket';

/** What a visitor may know about their conversation. */
export interface VisitorConversationDto {
  id: string;
  status: ConversationStatus;
  agentName?: string;
  ticketNumber?: number;
  createdAt: string;
}

/** What an agent sees of a conversation. */
export interface ConversationDto extends VisitorConversationDto {
  /** Internal handoff notes from transfers: agents only. */
  handoffNotes?: { by: string; text: string; at: string }[];
  /** The conversation this one continues, when the visitor wrote again after an ended chat. */
  previousConversationId?: string;
  /** Highest seq the visitor has read. */
  visitorReadSeq?: number;
  visitorId: string;
  visitorName: string;
  site: string;
  page?: string;
  assignee?: AgentRef;
  firstMessage: string;
  waitingSince: string;
}

/** The visitor's place in the queue, live. */
export interface QueueStateDto {
  conversationId: string;
  position: number;
  etaSeconds: number;
  /** Waited longer than the queue timeout, or nobody is online: offer to leave a message. */
  offerLeaveMessage: boolean;
}

export type PresenceStatus = 'online' | 'away' | 'offline';
/** An agent's presence and load, for team leads. */
export interface AgentPresenceDto {
  id: string;
  name: string;
  role: Role;
  status: PresenceStatus;
  activeChats: number;
  capacity: number;
}

/** An incoming chat request in an agent's console. */
export interface ChatRequestDto {
  conversationId: string;
  visitorName: string;
  firstMessage: string;
  page?: string;
  waitingSince: string;
  /** 'offered' when offered to the agent receiving this; 'queued' when anyone may take it. */
  state: 'offered' | 'queued';
  /** When an offer to this agent lapses (state 'offered'). */
  offerExpiresAt?: string;
  /** Set when a colleague transferred the chat to this agent. */
  transferNote?: string;
}

export interface AgentRef {
  id: string;
  name: string;
}
export interface AgentDto extends AgentRef {
  email: string;
  role: Role;
}

export interface TicketDto {
  id: string;
  number: number;
  subject: string;
  priority: Priority;
  category: Category;
  status: TicketStatus;
  source: TicketSource;
  requester: { name?: string; email?: string };
  assignee?: AgentRef;
  conversationId?: string;
  createdAt: string;
  updatedAt: string;
  slaDueAt: string;
  firstResponseAt?: string;
  resolvedAt?: string;
}

export type TicketEventType =
  | 'created'
  | 'reply'
  | 'note'
  | 'customer_message'
  | 'status_changed'
  | 'assigned'
  | 'resolved';

export interface TicketEventDto {
  id: string;
  seq: number;
  type: TicketEventType;
  actor: { kind: 'agent' | 'customer' | 'system'; id?: string; name?: string };
  /** Reply, note or customer text. */
  text?: string;
  from?: TicketStatus;
  to?: TicketStatus;
  at: string;
}

export interface TicketDetailDto extends TicketDto {
  /** The chat as it stood when the ticket was made. */
  transcript: MessageDto[];
  events: TicketEventDto[];
}

export interface DashboardCounts {
  highPriority: number;
  open: number;
  inProgress: number;
  resolved: number;
}

export interface HealthDto {
  status: 'ok' | 'degraded';
  database: 'connected' | 'connecting' | 'disconnected';
}
