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
  visitorId: string;
  visitorName: string;
  site: string;
  page?: string;
  assignee?: AgentRef;
  firstMessage: string;
  waitingSince: string;
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
