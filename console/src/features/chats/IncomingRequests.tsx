import { useEffect, useState } from 'preact/hooks';
import type { ChatRequestDto } from '@kamflo/shared';
import { useAppStore, useNow } from '../../app-context.tsx';
import { formatWait } from '../../lib/format.ts';
import { PageLink } from '../../ui/PageLink.tsx';
import type { RequestAction } from './chats.slice.ts';
import { askNotificationPermission, notificationState, unlockAudio, useMuted, type NotificationState } from './offer-alert.ts';
import { Queue } from './Queue.tsx';
import { ChannelBadge } from '../../ui/badges.tsx';

const VERB: Record<RequestAction, string> = { accept: 'accept', decline: 'decline', take: 'take' };

const byWait = (a: ChatRequestDto, b: ChatRequestDto) => Date.parse(a.waitingSince) - Date.parse(b.waitingSince);

/** Seconds left to answer an offer: "12 s to answer". */
export function formatCountdown(expiresAt: string, now: number): string {
  return `${Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000))} s to answer`;
}

/**
 * Chats offered to this agent (Accept/Decline before the offer lapses), then the queue anyone may
 * take. Both come from the `chat:requests` snapshots. New offers ring (live-binding.ts) unless muted here.
 */
export function IncomingRequests() {
  const requests = useAppStore((s) => s.requests);
  const answerRequest = useAppStore((s) => s.answerRequest);
  const now = useNow(1000);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const [muted, setMuted] = useMuted();

  const answer = async (action: RequestAction, request: ChatRequestDto) => {
    setBusy((b) => ({ ...b, [request.conversationId]: true }));
    setError(null);
    const result = await answerRequest(action, request.conversationId);
    setBusy((b) => ({ ...b, [request.conversationId]: false }));
    if (!result.ok) setError(`Couldn't ${VERB[action]} the chat from ${request.visitorName}: ${result.message}`);
  };

  const offers = requests.filter((r) => r.state === 'offered').sort(byWait);
  return (
    <section class="card requests" aria-label="Incoming requests">
      <div class="card-head">
        <h2 class="card-title">
          Incoming requests{' '}
          {requests.length > 0 && (
            <span class="pill" aria-hidden="true">
              {requests.length}
            </span>
          )}
        </h2>
        <div class="alert-controls">
          <NotificationPermission />
          <button
            type="button"
            class="button ghost small"
            aria-pressed={muted}
            title={muted ? 'New chats are silent' : 'New chats ring and show a notification'}
            onClick={() => {
              unlockAudio();
              setMuted(!muted);
            }}
          >
            Mute alerts
          </button>
        </div>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {offers.length === 0 ? (
        <p class="empty">No chats offered to you right now.</p>
      ) : (
        <ul class="request-list">
          {offers.map((r) => {
            const isBusy = busy[r.conversationId] ?? false;
            return (
              <li key={r.conversationId} class="request request-offered">
                <div class="request-head">
                  <strong class="request-name">{r.visitorName}</strong>
                  <ChannelBadge channel={r.channel} />
                  <span class="badge chat-offered">Offered to you</span>
                  <span class="wait">waiting {formatWait(now - Date.parse(r.waitingSince))}</span>
                </div>
                {r.offerExpiresAt && (
                  <p class="countdown" aria-live="off">
                    {formatCountdown(r.offerExpiresAt, now)}
                  </p>
                )}
                {r.transferNote && (
                  <p class="transfer-note">
                    <span class="badge internal">Internal</span> From {r.transferFrom ?? 'a colleague'}: {r.transferNote}
                  </p>
                )}
                <p class="request-message">{r.firstMessage}</p>
                {r.page && (
                  <p class="request-page">
                    on <PageLink url={r.page} />
                  </p>
                )}
                <div class="actions">
                  <button
                    type="button"
                    class="button primary"
                    disabled={isBusy}
                    aria-label={`Accept chat from ${r.visitorName}`}
                    onClick={() => void answer('accept', r)}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    class="button"
                    disabled={isBusy}
                    aria-label={`Decline chat from ${r.visitorName}`}
                    onClick={() => void answer('decline', r)}
                  >
                    Decline
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <Queue now={now} />
    </section>
  );
}

/** Browsers only let a page ask for notifications from a click, so this is a button. */
function NotificationPermission() {
  const [state, setState] = useState<NotificationState>(notificationState);
  useEffect(() => setState(notificationState()), []);
  if (state !== 'default') return null;
  return (
    <button
      type="button"
      class="button ghost small"
      onClick={() => {
        unlockAudio();
        void askNotificationPermission().then(setState);
      }}
    >
      Enable desktop alerts
    </button>
  );
}
