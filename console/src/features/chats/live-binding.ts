import type { Realtime } from '../../lib/socket.ts';
import type { AppStore } from '../../store.ts';
import { createOfferAlerter, unlockAudio } from './offer-alert.ts';

/**
 * The live-chat extras on the agent socket: typing, read receipts, presence, new-offer alerts. Subscribe before
 * `realtime.connect()` so the first connect is seen. Returns the unsubscribe function.
 */
export function bindLiveChat(store: AppStore, realtime: Realtime): () => void {
  const state = () => store.getState();
  const alertNewOffers = createOfferAlerter();
  const unsubscribe = [
    // Here rather than in a component: an offer rings on the Tickets page too.
    store.subscribe((now, before) => {
      if (now.requests !== before.requests) alertNewOffers(now.requests);
    }),
    realtime.on('chat:typing', ({ conversationId, typing }) => state().setVisitorTyping(conversationId, typing)),
    realtime.on('chat:read', ({ conversationId, seq }) => state().visitorRead(conversationId, seq)),
    realtime.on('chat:page', ({ conversationId, page }) => state().visitorPage(conversationId, page)),
    realtime.on('presence:updated', (agents) => state().setTeam(agents)),
    realtime.onConnectionChange((connected) => {
      if (connected) void state().presenceConnected();
    }),
  ];
  // Browsers keep audio silent until the page has had a user gesture: the agent's first click or
  // key press prepares the offer sound.
  const stopListening = () => {
    document.removeEventListener('pointerdown', unlock);
    document.removeEventListener('keydown', unlock);
  };
  const unlock = () => {
    unlockAudio();
    stopListening();
  };
  document.addEventListener('pointerdown', unlock);
  document.addEventListener('keydown', unlock);
  return () => {
    for (const off of unsubscribe) off();
    stopListening();
  };
}
