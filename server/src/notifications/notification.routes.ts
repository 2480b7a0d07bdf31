import { objectId } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { NotificationService } from './notification.service.ts';

export function notificationRoutes(route: DeclareRoute, deps: { notifications: NotificationService }) {
  const { notifications } = deps;
  route('GET /api/notifications', {
    summary: "The signed-in agent's notifications, newest first",
    access: 'agent',
    handle: ({ agent }) => notifications.list(String(agent._id)),
  });
  route('POST /api/notifications/:id/read', {
    summary: 'Mark a notification read',
    access: 'agent',
    params: { id: objectId },
    handle: ({ agent, params }) => notifications.markRead(String(agent._id), params.id),
  });
}
