import type { Channel } from '@kamflo/shared';
import type { TicketDoc } from '../tickets/ticket.model.ts';
import type { DeliveryDoc } from './delivery.model.ts';

/** A customer-facing message as the ticket recorded it. Internal notes never become one. */
export interface CustomerMessage {
  /** The ticket event it is (reply) or answers (the creation, for an acknowledgement). */
  seq: number;
  kind: 'reply' | 'acknowledgement';
  text: string;
  author?: { id: string; name: string };
}

/** `retryAfterMs`: the provider said when to try again (a 429's Retry-After); the outbox waits that long instead of its own backoff. */
export type ChannelResult = { ok: true } | { ok: false; permanent: boolean; error: string; retryAfterMs?: number };

/**
 * What every customer channel implements (widget, email and Telegram now; WhatsApp and
 * Instagram later). The outbox records what `prepare` returns and calls `send` until it is
 * accepted, retrying temporary failures with backoff.
 */
export interface CustomerChannel {
  readonly name: Channel;
  /** Where this channel reaches the ticket's customer now (an address, a conversation), or null. */
  reach(t: TicketDoc): Promise<{ to: string; conversationId?: string } | null>;
  /** Whether this channel carries this kind of message (the acknowledgement is email-only). */
  carries(kind: CustomerMessage['kind']): boolean;
  /** The delivery's content, frozen when the message is recorded. */
  prepare(t: TicketDoc, m: CustomerMessage, to: string): Promise<Pick<DeliveryDoc, 'email' | 'widget' | 'telegram'>>;
  /** One attempt. Must be safe to repeat (a crash after sending and before recording it repeats it). */
  send(d: DeliveryDoc): Promise<ChannelResult>;
  /** Attempt right after recording, in the request (cheap, local channels such as the widget). */
  readonly inline: boolean;
}
