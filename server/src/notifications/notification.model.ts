import { Schema, type Connection, type Types } from 'mongoose';
import type { AlertCondition, NotificationDto } from '@kamflo/shared';

export interface NotificationDoc {
  _id: Types.ObjectId;
  /** Unique: the same alert is stored once per recipient, whoever retries. */
  key: string;
  agentId: Types.ObjectId;
  kind: NotificationDto['kind'];
  ticketNumber: number;
  text: string;
  ruleId?: string;
  condition?: AlertCondition;
  createdAt: Date;
  readAt?: Date | null;
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    key: { type: String, required: true },
    agentId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    ticketNumber: { type: Number, required: true },
    text: { type: String, required: true },
    ruleId: String,
    condition: String,
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false },
);
notificationSchema.index({ key: 1 }, { unique: true });
notificationSchema.index({ agentId: 1, createdAt: -1 });

export function notificationModel(conn: Connection) {
  return conn.model<NotificationDoc>('Notification', notificationSchema, 'notifications');
}

export function toNotificationDto(n: NotificationDoc): NotificationDto {
  return {
    id: String(n._id),
    kind: n.kind,
    ticketNumber: n.ticketNumber,
    text: n.text,
    ...(n.ruleId ? { ruleId: n.ruleId } : {}),
    ...(n.condition ? { condition: n.condition } : {}),
    createdAt: n.createdAt.toISOString(),
    read: Boolean(n.readAt),
  };
}
