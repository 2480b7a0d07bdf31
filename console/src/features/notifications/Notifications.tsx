import { useAppStore } from '../../app-context.tsx';
import { Link } from '../../ui/Link.tsx';
import { formatDateTime } from '../../lib/format.ts';

/** SLA alerts and re-opened tickets for the signed-in agent, live, with the unread count. */
export function Notifications() {
  const notifications = useAppStore((s) => s.notifications);
  const error = useAppStore((s) => s.notificationsError);
  const markRead = useAppStore((s) => s.markNotificationRead);
  const unread = notifications.filter((n) => !n.read).length;

  return (
    <section class="card notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title" class="card-title">
        Notifications
      </h2>
      <p class="unread-count" role="status" aria-live="polite">
        {unread === 0 ? 'No unread notifications' : `${unread} unread`}
      </p>
      {error && <p class="error">Couldn't load notifications: {error}</p>}
      {notifications.length > 0 && (
        <ul class="notification-list">
          {notifications.slice(0, 20).map((n) => (
            <li key={n.id} class={n.read ? 'notification read' : 'notification unread'}>
              <Link to={{ view: 'tickets', ticket: n.ticketNumber }}>{n.text}</Link>
              <time class="muted small" dateTime={n.createdAt}>
                {formatDateTime(n.createdAt)}
              </time>
              {!n.read && (
                <button type="button" class="button ghost small" aria-label={`Mark read: ${n.text}`} onClick={() => void markRead(n.id)}>
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
