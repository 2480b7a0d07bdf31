import { Schema, type Connection, type Types } from 'mongoose';
import { listIndexes } from './ticket-list.ts';
import type {
  Category,
  EscalationLevel,
  MessageAuthor,
  MessageDto,
  Priority,
  TicketDetailDto,
  TicketDto,
  TicketEventDto,
  TicketEventType,
  TicketSource,
  TicketStatus,
} from '@kamflo/shared';

export interface TicketEventDoc {
  seq: number;
  type: TicketEventType;
  /** internal events (notes) never leave the team. */
  visibility: 'public' | 'internal';
  actorKind: 'agent' | 'customer' | 'system';
  actorId?: string;
  actorName?: string;
  text?: string;
  from?: TicketStatus;
  to?: TicketStatus;
  /** Details of the change (priority from/to, escalation levels, alert rule…); part of the hash. */
  data?: Record<string, string>;
  at: Date;
  /**
   * The ticket's audited fields as they stood after this event (event-chain.ts): the HMAC covers
   * them, so an edit of the ticket's status, assignee, priority, level or requester shows.
   */
  state?: AuditedState;
  /** HMAC-SHA256 under the server's audit key over this event, its state and prevHash. */
  prevHash: string;
  hash: string;
}

export interface AuditedState {
  status: TicketStatus;
  assignee: string;
  priority: Priority;
  level: EscalationLevel;
  requesterName: string;
  requesterEmail: string;
}

/** One row of the ticket_events collection: an event of one ticket, at its position. */
export interface StoredTicketEvent extends TicketEventDoc {
  _id: string;
  ticketId: Types.ObjectId;
  /** For intake dedup: "messageId:<id>" or "email:<message-id>", when the event records one. */
  key?: string;
}

/** One row of ticket_transcripts: a line of the chat as it stood when the ticket was made. */
export interface StoredTranscriptLine extends TranscriptLine {
  _id: string;
  ticketId: Types.ObjectId;
}

export interface TranscriptLine {
  seq: number;
  author: MessageAuthor;
  authorName?: string;
  text: string;
  at: Date;
}

export interface TicketDoc {
  _id: Types.ObjectId;
  number: number;
  subject: string;
  priority: Priority;
  category: Category;
  status: TicketStatus;
  source: TicketSource;
  requester: { name?: string; email?: string };
  site?: string;
  visitorId?: string;
  conversationId?: Types.ObjectId;
  assignee?: Types.ObjectId | null;
  assigneeName?: string;
  createdAt: Date;
  updatedAt: Date;
  slaDueAt: Date;
  firstResponseAt?: Date;
  resolvedAt?: Date;
  level?: EscalationLevel;
  needsApproval?: boolean;
  approvalReason?: string;
  approvedBy?: Types.ObjectId | null;
  approvedByName?: string;
  approvedAt?: Date | null;
  closedAt?: Date;
  closeReason?: string;
  lastCustomerUpdateAt?: Date;
  /** ISO week keys ("2026-W09") for the weekly opened-vs-resolved chart. */
  openedWeek?: string;
  resolvedWeek?: string | null;
  /** Alert rules that fired on this ticket: a hint for the sweeper's query (the claim decides). */
  alertsFired?: string[];
  /** Tags in the order they were added (the list filters on them: a multikey index). */
  tags?: string[];
  /**
   * The history lives in ticket_events (seq 1..eventCount) and the chat's transcript in
   * ticket_transcripts, so list and count queries read small documents. The next event's claim
   * (`ticket-event:<ticket>:<eventCount + 1>`) serialises writers.
   */
  eventCount: number;
  lastHash: string;
  transcriptCount: number;
  /** Set by the migration when the unkeyed chain it found was already broken at this seq. */
  chainBrokenBeforeMigration?: number;
}

/** A ticket with its timeline loaded (the detail view). */
export interface TicketWithTimeline {
  ticket: TicketDoc;
  events: TicketEventDoc[];
  transcript: TranscriptLine[];
  /** How many events come before the loaded (latest) ones. */
  earlierEvents?: number;
  /** Set when more transcript lines exist after the loaded ones: the seq to continue after. */
  transcriptNext?: number;
}

const eventSchema = new Schema<StoredTicketEvent>(
  {
    _id: String,
    ticketId: { type: Schema.Types.ObjectId, required: true },
    key: String,
    seq: Number,
    type: String,
    visibility: String,
    actorKind: String,
    actorId: String,
    actorName: String,
    text: String,
    from: String,
    to: String,
    data: { type: Schema.Types.Mixed, default: undefined },
    state: { type: Schema.Types.Mixed, default: undefined },
    at: Date,
    prevHash: String,
    hash: String,
  },
  { versionKey: false },
);
eventSchema.index({ ticketId: 1, seq: 1 }, { unique: true });
eventSchema.index({ ticketId: 1, key: 1 });

const transcriptSchema = new Schema<StoredTranscriptLine>(
  {
    _id: String,
    ticketId: { type: Schema.Types.ObjectId, required: true },
    seq: Number,
    author: String,
    authorName: String,
    text: String,
    at: Date,
  },
  { versionKey: false },
);
transcriptSchema.index({ ticketId: 1, seq: 1 }, { unique: true });

const ticketSchema = new Schema<TicketDoc>(
  {
    number: { type: Number, required: true },
    subject: { type: String, required: true },
    priority: { type: String, required: true },
    category: { type: String, required: true },
    status: { type: String, required: true },
    source: { type: String, required: true },
    requester: { _id: false, name: String, email: String },
    site: String,
    visitorId: String,
    conversationId: Schema.Types.ObjectId,
    assignee: { type: Schema.Types.ObjectId, default: null },
    assigneeName: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    slaDueAt: { type: Date, required: true },
    firstResponseAt: Date,
    resolvedAt: Date,
    level: { type: String, default: 'L1' },
    needsApproval: { type: Boolean, default: false },
    approvalReason: String,
    approvedBy: { type: Schema.Types.ObjectId, default: null },
    approvedByName: String,
    approvedAt: { type: Date, default: null },
    closedAt: Date,
    closeReason: String,
    lastCustomerUpdateAt: Date,
    openedWeek: String,
    resolvedWeek: { type: String, default: null },
    alertsFired: { type: [String], default: [] },
    tags: { type: [String], default: undefined },
    eventCount: { type: Number, default: 0 },
    lastHash: { type: String, default: '' },
    transcriptCount: { type: Number, default: 0 },
    chainBrokenBeforeMigration: Number,
  },
  { versionKey: false },
);
ticketSchema.index({ number: 1 }, { unique: true });
ticketSchema.index({ conversationId: 1 });
// A widget visitor's tickets (the console's visitor profile).
ticketSchema.index({ site: 1, visitorId: 1, createdAt: -1 });
// The list's shapes (ticket-list.ts); the SLA sweeper's queries use them too.
for (const keys of listIndexes()) ticketSchema.index(keys);

export function ticketModel(conn: Connection) {
  return conn.model<TicketDoc>('Ticket', ticketSchema, 'tickets');
}
export function ticketEventModel(conn: Connection) {
  return conn.model<StoredTicketEvent>('TicketEvent', eventSchema, 'ticket_events');
}
export function ticketTranscriptModel(conn: Connection) {
  return conn.model<StoredTranscriptLine>('TicketTranscript', transcriptSchema, 'ticket_transcripts');
}

export function toTicketDto(t: TicketDoc): TicketDto {
  const dto: TicketDto = {
    id: String(t._id),
    number: t.number,
    subject: t.subject,
    priority: t.priority,
    category: t.category,
    status: t.status,
    source: t.source,
    requester: { ...(t.requester?.name ? { name: t.requester.name } : {}), ...(t.requester?.email ? { email: t.requester.email } : {}) },
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    slaDueAt: t.slaDueAt.toISOString(),
    level: t.level ?? 'L1',
  };
  if (t.needsApproval) dto.needsApproval = true;
  if (t.approvalReason) dto.approvalReason = t.approvalReason;
  if (t.approvedBy) dto.approvedBy = { id: String(t.approvedBy), name: t.approvedByName ?? '' };
  if (t.approvedAt) dto.approvedAt = t.approvedAt.toISOString();
  if (t.closedAt) dto.closedAt = t.closedAt.toISOString();
  if (t.lastCustomerUpdateAt) dto.lastCustomerUpdateAt = t.lastCustomerUpdateAt.toISOString();
  if (t.assignee) dto.assignee = { id: String(t.assignee), name: t.assigneeName ?? '' };
  if (t.conversationId) dto.conversationId = String(t.conversationId);
  if (t.site && t.visitorId) {
    dto.site = t.site;
    dto.visitorId = t.visitorId;
  }
  if (t.firstResponseAt) dto.firstResponseAt = t.firstResponseAt.toISOString();
  if (t.resolvedAt) dto.resolvedAt = t.resolvedAt.toISOString();
  if (t.tags?.length) dto.tags = [...t.tags];
  return dto;
}

export function toEventDto(ticketId: string, e: TicketEventDoc): TicketEventDto {
  const dto: TicketEventDto = {
    id: `${ticketId}:${e.seq}`,
    seq: e.seq,
    type: e.type,
    actor: { kind: e.actorKind, ...(e.actorId ? { id: e.actorId } : {}), ...(e.actorName ? { name: e.actorName } : {}) },
    at: e.at.toISOString(),
  };
  if (e.text !== undefined) dto.text = e.text;
  if (e.from) dto.from = e.from;
  if (e.to) dto.to = e.to;
  if (e.data && Object.keys(e.data).length) dto.data = { ...e.data };
  return dto;
}

export function toTranscriptDto(t: Pick<TicketDoc, '_id' | 'conversationId'>, l: TranscriptLine): MessageDto {
  return {
    id: `${t._id}:t${l.seq}`,
    conversationId: String(t.conversationId ?? ''),
    clientId: `transcript_${l.seq}`,
    seq: l.seq,
    author: l.author,
    ...(l.authorName ? { authorName: l.authorName } : {}),
    text: l.text,
    createdAt: l.at.toISOString(),
  };
}

/** For agents only: includes internal notes. There is no visitor-facing ticket DTO on purpose. */
export function toTicketDetailDto({ ticket: t, events, transcript, earlierEvents, transcriptNext }: TicketWithTimeline): TicketDetailDto {
  const id = String(t._id);
  return {
    ...toTicketDto(t),
    ...(earlierEvents !== undefined ? { earlierEvents } : {}),
    ...(transcriptNext !== undefined ? { transcriptNext } : {}),
    transcript: transcript.map((l) => toTranscriptDto(t, l)),
    events: events.map((e) => toEventDto(id, e)),
  };
}
