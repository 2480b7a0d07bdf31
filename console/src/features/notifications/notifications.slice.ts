import type { NotificationDto } from '@kamflo/shared';
import { errorMessage } from '../../lib/api.ts';
import type { SliceCreator } from '../../store.ts';

export interface NotificationsState {
  /** Newest first. */
  notifications: NotificationDto[];
  notificationsError: string | null;
}

export interface NotificationsSlice extends NotificationsState {
  loadNotifications(): Promise<void>;
  /** Live `notification:new`. */
  notificationReceived(notification: NotificationDto): void;
  markNotificationRead(id: string): Promise<void>;
}

export function initialNotificationsState(): NotificationsState {
  return { notifications: [], notificationsError: null };
}

/** Merge by id, newest first. */
export function mergeNotifications(list: readonly NotificationDto[], incoming: readonly NotificationDto[]): NotificationDto[] {
  const byId = new Map(list.map((n) => [n.id, n]));
  for (const n of incoming) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1));
}

export const createNotificationsSlice: SliceCreator<NotificationsSlice> = (set, get, { api }) => ({
  ...initialNotificationsState(),

  async loadNotifications() {
    try {
      const loaded = await api.call('GET /api/notifications');
      // Live ones that arrived meanwhile are kept.
      set((s) => ({ notifications: mergeNotifications(s.notifications, loaded), notificationsError: null }));
    } catch (error) {
      set({ notificationsError: errorMessage(error) });
    }
  },

  notificationReceived: (n) => set((s) => ({ notifications: mergeNotifications(s.notifications, [n]) })),

  async markNotificationRead(id) {
    const before = get().notifications;
    set({ notifications: before.map((n) => (n.id === id ? { ...n, read: true } : n)) });
    try {
      const updated = await api.call('POST /api/notifications/:id/read', { params: { id } });
      set((s) => ({ notifications: mergeNotifications(s.notifications, [updated]) }));
    } catch (error) {
      set((s) => ({
        notifications: s.notifications.map((n) => (n.id === id ? { ...n, read: false } : n)),
        notificationsError: errorMessage(error),
      }));
    }
  },
});
