import { Types, type Connection } from 'mongoose';
import type { NotificationDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Notifier } from '../realtime/notify.ts';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import { notificationModel, toNotificationDto, type NotificationDoc } from './notification.model.ts';

export interface NewNotification {
  /** Deduplication key of the alert; each recipient gets `${key}:${agentId}`. */
  key: string;
  kind: NotificationDto['kind'];
  ticketNumber: number;
  text: string;
  ruleId?: string;
  condition?: NotificationDoc['condition'];
}

/** Stored alerts per agent, pushed live to the agent's room as `notification:new`. */
export function createNotificationService(deps: { conn: Connection; clock: Clock; notify: Notifier }) {
  const { clock, notify } = deps;
  const Notification = notificationModel(deps.conn);

  /** Stores one notification per recipient (once, even if retried) and emits it to them. */
  async function send(agentIds: string[], n: NewNotification): Promise<NotificationDto[]> {
    const out: NotificationDto[] = [];
    for (const agentId of new Set(agentIds)) {
      try {
        const doc = await Notification.create({ ...n, key: `${n.key}:${agentId}`, agentId: new Types.ObjectId(agentId), createdAt: clock.now() });
        const dto = toNotificationDto(doc.toObject());
        notify.agent(agentId, 'notification:new', dto);
        out.push(dto);
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
    }
    return out;
  }

  async function list(agentId: string): Promise<NotificationDto[]> {
    const docs = await Notification.find({ agentId: new Types.ObjectId(agentId) })
      .sort({ createdAt: -1, _id: -1 })
      .limit(100)
      .lean();
    return docs.map(toNotificationDto);
  }

  async function markRead(agentId: string, id: string): Promise<NotificationDto> {
    const filter = { _id: new Types.ObjectId(id), agentId: new Types.ObjectId(agentId) };
    const existing = await Notification.findOne(filter).lean();
    if (!existing) throw new AppError('not_found', 'Notification not found');
    if (existing.readAt) return toNotificationDto(existing);
    const updated = await Notification.findOneAndUpdate(filter, { $set: { readAt: clock.now() } }, { new: true }).lean();
    return toNotificationDto(updated ?? existing);
  }

  return { send, list, markRead, Notification };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
