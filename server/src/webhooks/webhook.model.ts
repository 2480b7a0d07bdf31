import { Schema, type Connection, type Types } from 'mongoose';
import type { WebhookDeliveryDto, WebhookDto, WebhookEvent } from '@kamflo/shared';

export interface WebhookDoc {
  _id: Types.ObjectId;
  url: string;
  events: WebhookEvent[];
  description?: string;
  /** Signs each delivery; admins see it once, at creation. */
  secret: string;
  createdAt: Date;
}

/** One event for one webhook: the outbox of webhooks. */
export interface WebhookDeliveryDoc {
  _id: Types.ObjectId;
  webhookId: Types.ObjectId;
  /** Stable across retries and processes; unique per webhook, so an event is queued once. */
  eventId: string;
  event: WebhookEvent | 'ping';
  /** The JSON body, stored as sent: every attempt signs and sends the same bytes. */
  body: string;
  state: 'queued' | 'retrying' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  responseStatus?: number;
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
}

const webhookSchema = new Schema<WebhookDoc>(
  {
    url: { type: String, required: true },
    events: { type: [String], required: true },
    description: String,
    secret: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Who subscribed to an event (a multikey index on the array).
webhookSchema.index({ events: 1 });
webhookSchema.index({ createdAt: -1 });

const deliverySchema = new Schema<WebhookDeliveryDoc>(
  {
    webhookId: { type: Schema.Types.ObjectId, required: true },
    eventId: { type: String, required: true },
    event: { type: String, required: true },
    body: { type: String, required: true },
    state: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    responseStatus: Number,
    lastError: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Exactly one delivery per (webhook, event), however many processes enqueue it.
deliverySchema.index({ webhookId: 1, eventId: 1 }, { unique: true });
// The sender's query: what is due.
deliverySchema.index({ state: 1, nextAttemptAt: 1 });
// The delivery log of one webhook, newest first.
deliverySchema.index({ webhookId: 1, createdAt: -1 });

export function webhookModels(conn: Connection) {
  return {
    Webhook: conn.model<WebhookDoc>('Webhook', webhookSchema, 'webhooks'),
    WebhookDelivery: conn.model<WebhookDeliveryDoc>('WebhookDelivery', deliverySchema, 'webhook_deliveries'),
  };
}

export function toWebhookDto(w: WebhookDoc): WebhookDto {
  return {
    id: String(w._id),
    url: w.url,
    events: [...w.events],
    ...(w.description ? { description: w.description } : {}),
    createdAt: w.createdAt.toISOString(),
  };
}

export function toWebhookDeliveryDto(d: WebhookDeliveryDoc): WebhookDeliveryDto {
  return {
    id: String(d._id),
    eventId: d.eventId,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    ...(d.responseStatus !== undefined ? { responseStatus: d.responseStatus } : {}),
    ...(d.lastError && d.state !== 'sent' ? { error: d.lastError } : {}),
    ...(d.nextAttemptAt && d.state === 'retrying' ? { nextAttemptAt: d.nextAttemptAt.toISOString() } : {}),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
