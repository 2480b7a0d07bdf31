import { initialShellState } from './features/shell/shell.slice.ts';
import { initialDashboardState } from './features/dashboard/dashboard.slice.ts';
import { initialChatsState } from './features/chats/chats.slice.ts';
import { initialTicketsState } from './features/tickets/tickets.slice.ts';
import { initialNotificationsState } from './features/notifications/notifications.slice.ts';
import { initialPresenceState } from './features/presence/presence.slice.ts';

/** What every session-bound slice returns to on sign-in and sign-out. */
export function initialSessionState() {
  return {
    ...initialShellState(),
    ...initialDashboardState(),
    ...initialChatsState(),
    ...initialTicketsState(),
    ...initialNotificationsState(),
    ...initialPresenceState(),
  };
}
