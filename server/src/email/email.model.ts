import { Schema, type Connection, type Types } from 'mongoose';
import type { InboundEmailDto } from '@kamflo/shared';

/**
 * One inbound mail, stored once: `_id` is `mid:<Message-ID>` (or `sha256:<raw hash>` without
 * one), so an SMTP retry, an IMAP re-poll or a second process polling the same mailbox finds
 * the first copy. Kept beside the ticket, not inside it: the ticket's timeline event carries
 * the trimmed text and this holds the original, the sanitized HTML and the attachments.
 */
export interface InboundEmailDoc {
  _id: string;
  messageId?: string;
  source: 'smtp' | 'imap';
  from: { name?: string; address: string };
  to: string[];
  subject: string;
  receivedAt: Date;
  date?: Date;
  inReplyTo: string[];
  references: string[];
  text: string;
  originalText: string;
  trimmed: boolean;
  html?: string;
  remoteContent: boolean;
  attachments: { id: Types.ObjectId; name: string; type: string; size: number }[];
  skipped: { name: string; size: number; reason: string }[];
  noAutoReply?: string;
  /** received: being processed; stored: on its ticket; ignored: our own mail coming back. */
  state: 'received' | 'stored' | 'ignored';
  outcome?: 'new_ticket' | 'reply' | 'ignored';
  reason?: string;
  ticketId?: Types.ObjectId;
  ticketNumber?: number;
  /** The ticket event it became. */
  seq?: number;
}

const schema = new Schema<InboundEmailDoc>(
  {
    _id: String,
    messageId: String,
    source: String,
    from: { _id: false, name: String, address: String },
    to: { type: [String], default: [] },
    subject: String,
    receivedAt: Date,
    date: Date,
    inReplyTo: { type: [String], default: [] },
    references: { type: [String], default: [] },
    text: String,
    originalText: String,
    trimmed: Boolean,
    html: String,
    remoteContent: Boolean,
    attachments: { type: [{ _id: false, id: Schema.Types.ObjectId, name: String, type: { type: String }, size: Number }], default: [] },
    skipped: { type: [{ _id: false, name: String, size: Number, reason: String }], default: [] },
    noAutoReply: String,
    state: String,
    outcome: String,
    reason: String,
    ticketId: Schema.Types.ObjectId,
    ticketNumber: Number,
    seq: Number,
  },
  { versionKey: false },
);
schema.index({ ticketId: 1, receivedAt: 1 });

export function inboundEmailModel(conn: Connection) {
  return conn.model<InboundEmailDoc>('InboundEmail', schema, 'email_messages');
}

export function toInboundEmailDto(e: InboundEmailDoc, ticketNumber: number): InboundEmailDto {
  const id = encodeURIComponent(e._id);
  return {
    id: e._id,
    seq: e.seq ?? 0,
    from: { ...e.from },
    subject: e.subject,
    receivedAt: e.receivedAt.toISOString(),
    originalText: e.originalText,
    trimmed: e.trimmed,
    ...(e.html ? { html: e.html, remoteContent: e.remoteContent } : {}),
    attachments: e.attachments.map((a) => ({
      id: String(a.id),
      name: a.name,
      type: a.type,
      size: a.size,
      url: `/api/attachments/${a.id}`,
    })),
    ...(e.skipped.length ? { skipped: e.skipped.map((s) => ({ ...s })) } : {}),
    // Where the console frames the HTML from (sandboxed, its own CSP).
    ...(e.html ? { htmlUrl: `/api/tickets/${ticketNumber}/emails/${id}/html` } : {}),
  };
}
