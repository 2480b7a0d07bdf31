import type { ConversationStatus, SocialChannel } from '@kamflo/shared';
import { PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS, type Priority, type TicketSource, type TicketStatus } from '@kamflo/shared/constants';

// Colour is never the only signal: every badge says its value in words.

export function PriorityBadge({ priority }: { priority: Priority }) {
  return <span class={`badge priority-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}

export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span class={`badge status-${status}`}>{STATUS_LABELS[status]}</span>;
}

export function SourceBadge({ source }: { source: TicketSource }) {
  return <span class="badge source">{SOURCE_LABELS[source]}</span>;
}

const CHAT_STATUS_LABELS: Record<ConversationStatus, string> = {
  queued: 'Queued',
  offered: 'Offered',
  active: 'Active',
  ended: 'Ended',
  ticket: 'Ticket',
};

export function ChatStatusBadge({ status }: { status: ConversationStatus }) {
  return <span class={`badge chat-${status}`}>{CHAT_STATUS_LABELS[status]}</span>;
}

/** Where a social conversation comes from ("Telegram"), beside the customer's name; nothing for the widget. */
export function ChannelBadge({ channel }: { channel?: SocialChannel }) {
  return channel ? <span class={`badge channel-${channel}`}>{SOURCE_LABELS[channel]}</span> : null;
}
