// Customer channels and delivery state: pure data and functions (no zod), so the console and
// the widget can import them without the validator.

/** The ways a customer-facing message reaches a customer. */
export const CHANNELS = ['email', 'widget', 'telegram'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, string> = { email: 'Email', widget: 'Chat widget', telegram: 'Telegram' };

/**
 * queued: recorded, not yet tried; sent: accepted by the channel (the SMTP server, or stored in
 * the customer's widget conversation); retrying: a temporary failure, tried again later;
 * failed: given up (a permanent refusal, or too many attempts), with the reason.
 */
export const DELIVERY_STATES = ['queued', 'sent', 'retrying', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  queued: 'Queued',
  sent: 'Sent',
  retrying: 'Retrying',
  failed: 'Failed',
};

/** One customer-facing message on one channel. */
export interface DeliveryDto {
  id: string;
  /** The ticket event this delivers (a reply, an escalation update, a closing message, or the creation's acknowledgement). */
  seq: number;
  kind: 'reply' | 'acknowledgement';
  channel: Channel;
  state: DeliveryState;
  /** The address (email), or the conversation (widget). */
  to?: string;
  attempts: number;
  /** Why it failed or is being retried. */
  error?: string;
  nextAttemptAt?: string;
  sentAt?: string;
  updatedAt: string;
}

/** Which channels reach a ticket's customer right now. */
export interface CustomerReachDto {
  email?: { address: string };
  /** The customer's widget conversation (a converted chat, a left message, or a connected Help Center visitor). */
  widget?: { conversationId?: string };
  /** The customer's Telegram chat (a ticket converted from a Telegram conversation). */
  telegram?: { conversationId: string };
}

/** What the console says before an agent sends a customer-facing message. */
export function reachSentence(requester: { name?: string; email?: string }, reach: CustomerReachDto): string {
  const who = requester.name && requester.email ? `${requester.name} (${requester.email})` : (requester.name ?? requester.email ?? 'The customer');
  if (reach.telegram) return reach.email ? `${who} will receive this by email and on Telegram` : `${who} will receive this on Telegram`;
  if (reach.email && reach.widget) return `${who} will receive this by email and in the chat widget`;
  if (reach.email) return `${who} will receive this by email`;
  if (reach.widget) return `${who} will receive this in the chat widget`;
  return `No channel reaches this customer: ${noChannelReason(requester)}`;
}

function noChannelReason(requester: { email?: string }): string {
  return requester.email
    ? 'email is not configured on this server (KAMFLO_SMTP_URL) and they are not in the chat widget'
    : 'there is no email address for them and they are not in the chat widget';
}

/** An attachment of an inbound email, stored in the database and served for download only. */
export interface AttachmentDto {
  id: string;
  name: string;
  type: string;
  size: number;
  /** GET this (agents only): always a download, never rendered inline. */
  url: string;
}

/** An inbound email as it joined a ticket (the trimmed text is the timeline event's text). */
export interface InboundEmailDto {
  id: string;
  /** The ticket event it became (created or customer_message). */
  seq: number;
  from: { name?: string; address: string };
  subject: string;
  receivedAt: string;
  /** The whole text body, with the quoted history and signature the timeline leaves out. */
  originalText: string;
  /** True when the timeline text was trimmed from originalText. */
  trimmed: boolean;
  /** The HTML body, sanitized (no scripts, event handlers, forms or frames). Remote images are kept as data-remote-src until asked for. */
  html?: string;
  /** Whether the HTML refers to remote images (shown only after a click). */
  remoteContent?: boolean;
  /** The sanitized HTML as a document for a sandboxed frame (add ?remote=1 to load remote images). */
  htmlUrl?: string;
  attachments: AttachmentDto[];
  /** Attachments that were not stored, and why (e.g. over the size limit). */
  skipped?: { name: string; size: number; reason: string }[];
}

/** The email channel's configuration and health, for the console's "Email" settings. */
export interface EmailStatusDto {
  supportAddress?: string;
  outbound: { configured: boolean; connected: boolean; server?: string; error?: string; checkedAt?: string };
  inbound: {
    smtp: { configured: boolean; listening: boolean; port?: number; error?: string };
    imap: { configured: boolean; connected: boolean; server?: string; mailbox?: string; lastPollAt?: string; error?: string };
  };
  /** Send "we got your request, ticket #N" to new email tickets (admins switch it). */
  acknowledge: boolean;
  limits: { maxMessageBytes: number; maxAttachmentBytes: number };
}
