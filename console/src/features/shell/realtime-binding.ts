import type { Realtime } from '../../lib/socket.ts';
import type { AppStore } from '../../store.ts';
import { bindLiveChat } from '../chats/live-binding.ts';

/**
 * Routes server events into the store and connects. On every (re)connect the console asks for
 * a fresh chat list and catches up the open conversation. Returns the disconnect function.
 */
export function bindRealtime(store: AppStore, realtime: Realtime): () => void {
  const state = () => store.getState();
  let connectedBefore = false;
  const unsubscribe = [
    realtime.on('chat:requests', (requests) => state().setRequests(requests)),
    realtime.on('chat:updated', (conversation) => state().upsertChat(conversation)),
    realtime.on('chat:message', (message) => state().receiveMessage(message)),
    realtime.on('ticket:updated', (ticket) => state().ticketUpdated(ticket)),
    realtime.on('delivery:updated', (update) => state().deliveryUpdated(update)),
    realtime.on('dashboard:counts', (counts) => state().setCounts(counts)),
    realtime.on('notification:new', (notification) => state().notificationReceived(notification)),
    bindLiveChat(store, realtime),
    realtime.onConnectionChange((connected, error) => {
      state().setConnection(connected, error);
      if (connected) {
        void state().refreshChats();
        state().resyncAfterReconnect();
        // Live updates sent while offline are lost: reload what is on screen.
        if (connectedBefore) refreshAfterGap(store);
        connectedBefore = true;
      } else if (error) {
        // A refused handshake is usually an expired session; this signs the agent out if so.
        void state().checkSession();
      }
    }),
  ];
  realtime.connect();
  return () => {
    for (const off of unsubscribe) off();
    realtime.disconnect();
  };
}

function refreshAfterGap(store: AppStore): void {
  const s = store.getState();
  void s.loadCounts();
  void s.loadNotifications();
  if (s.route.view === 'tickets') {
    void s.loadTickets();
    if (s.detailNumber !== null) void s.loadTicket(s.detailNumber, { quiet: true });
  }
}
