import { z } from 'zod';
import { CATEGORIES, PRIORITIES } from './tickets.ts';
import { MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH } from './limits.ts';
import { ROLES } from './agents.ts';

// Input schemas: every request and socket event is parsed with one of these at the edge.
// Types are inferred from them, never written twice.

export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id');
/** Client-generated message id: the key that makes retries idempotent. */
export const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, _ or -');
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const messageText = text(MAX_MESSAGE_LENGTH);
const email = z.string().trim().toLowerCase().pipe(z.email('must be an email address')).pipe(z.string().max(254));
/** Agents may sign in with local addresses such as admin@localhost, so only the shape is checked. */
const agentEmail = z.string().trim().toLowerCase().max(254).regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');
const personName = z.string().trim().min(1, 'must not be empty').max(100);
const pageUrl = z.string().max(2000).optional();

// Visitors
export const chatStartInput = z.strictObject({
  clientId,
  text: messageText,
  page: pageUrl,
  name: personName.optional(),
});
export const chatMessageInput = z.strictObject({ conversationId: objectId, clientId, text: messageText });
export const chatSyncInput = z.strictObject({
  conversationId: objectId.optional(),
  afterSeq: z.number().int().min(0).optional(),
});
export const leaveMessageInput = z.strictObject({
  conversationId: objectId.optional(),
  name: personName.optional(),
  email,
  text: messageText,
});
export const helpCenterRequestInput = z.strictObject({
  name: personName,
  email,
  subject: text(MAX_SUBJECT_LENGTH),
  message: messageText,
});
export const siteKey = z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a site key');
export const visitorSessionInput = z.strictObject({ site: siteKey.optional() });

// Agents
export const signInInput = z.strictObject({ email: agentEmail, password: z.string().min(1, 'must not be empty').max(200) });
export const conversationRef = z.strictObject({ conversationId: objectId });
export const agentSyncInput = z.strictObject({ conversationId: objectId, afterSeq: z.number().int().min(0).optional() });
export const createAgentInput = z.strictObject({
  email: agentEmail,
  name: personName,
  role: z.enum(ROLES),
  password: z.string().min(10, 'must be at least 10 characters').max(200),
});

// Tickets
export const priority = z.enum(PRIORITIES);
export const category = z.enum(CATEGORIES);
export const convertToTicketInput = z.strictObject({
  subject: text(MAX_SUBJECT_LENGTH),
  priority,
  category,
});
export const ticketNumberParam = z.coerce.number().int().min(1).max(1e12);
export const ticketTextInput = z.strictObject({ text: messageText });
export const resolveTicketInput = z.strictObject({ closingMessage: messageText });

// Live chat (issue: routing, presence, delivery)
export const AGENT_STATUSES = ['online', 'away'] as const;
export const agentStatusInput = z.strictObject({ status: z.enum(AGENT_STATUSES) });
export const typingInput = z.strictObject({ conversationId: objectId, typing: z.boolean() });
export const readInput = z.strictObject({ conversationId: objectId, seq: z.number().int().min(0) });
export const transferInput = z.strictObject({
  conversationId: objectId,
  /** Omitted: back to the queue. */
  toAgentId: objectId.optional(),
  note: text(2000),
});
export const assignChatInput = z.strictObject({ conversationId: objectId, agentId: objectId });
export const agentSettingsInput = z.strictObject({ capacity: z.number().int().min(1).max(50) });

export type AgentStatusInput = z.infer<typeof agentStatusInput>;
export type TypingInput = z.infer<typeof typingInput>;
export type ReadInput = z.infer<typeof readInput>;
export type TransferInput = z.infer<typeof transferInput>;
export type AssignChatInput = z.infer<typeof assignChatInput>;
export type AgentSettingsInput = z.infer<typeof agentSettingsInput>;

export type ChatStartInput = z.infer<typeof chatStartInput>;
export type ChatMessageInput = z.infer<typeof chatMessageInput>;
export type ChatSyncInput = z.infer<typeof chatSyncInput>;
export type LeaveMessageInput = z.infer<typeof leaveMessageInput>;
export type HelpCenterRequestInput = z.infer<typeof helpCenterRequestInput>;
export type SignInInput = z.infer<typeof signInInput>;
export type ConversationRef = z.infer<typeof conversationRef>;
export type AgentSyncInput = z.infer<typeof agentSyncInput>;
export type CreateAgentInput = z.infer<typeof createAgentInput>;
export type ConvertToTicketInput = z.infer<typeof convertToTicketInput>;
export type TicketTextInput = z.infer<typeof ticketTextInput>;
export type ResolveTicketInput = z.infer<typeof resolveTicketInput>;
