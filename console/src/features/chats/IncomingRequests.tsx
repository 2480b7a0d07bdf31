import { useState } from 'preact/hooks';
import type { ChatRequestDto } from '@kamflo/shared';
import { useAppStore, useNow } from '../../app-context.tsx';
import { formatWait } from '../../lib/format.ts';
import { PageLink } from '../../ui/PageLink.tsx';
import type { RequestAction } from './chats.slice.ts';

const VERB: Record<RequestAction, string> = { accept: 'accept', decline: 'decline', take: 'take' };

/** Offered chats first, then the queue; longest waiting first within each. */
function byUrgency(a: ChatRequestDto, b: ChatRequestDto): number {
  if (a.state !== b.state) return a.state === 'offered' ? -1 : 1;
  return Date.parse(a.waitingSince) - Date.parse(b.waitingSince);
}

/** Chats offered to this agent and queued chats anyone may take (`chat:requests` snapshots). */
export function IncomingRequests() {
  const requests = useAppStore((s) => s.requests);
  const answerRequest = useAppStore((s) => s.answerRequest);
  const now = useNow(1000);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);

  const answer = async (action: RequestAction, request: ChatRequestDto) => {
    setBusy((b) => ({ ...b, [request.conversationId]: true }));
    setError(null);
    const result = await answerRequest(action, request.conversationId);
    setBusy((b) => ({ ...b, [request.conversationId]: false }));
    if (!result.ok) setError(`Couldn't ${VERB[action]} the chat from ${request.visitorName}: ${result.message}`);
  };

  const sorted = [...requests].sort(byUrgency);
  return (
    <section class="card requests" aria-label="Incoming requests">
      <h2 class="card-title">
        Incoming requests {requests.length > 0 && <span class="pill" aria-hidden="true">{requests.length}</span>}
      </h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {sorted.length === 0 ? (
        <p class="empty">No one is waiting right now.</p>
      ) : (
        <ul class="request-list">
          {sorted.map((r) => {
            const isBusy = busy[r.conversationId] ?? false;
            return (
              <li key={r.conversationId} class={`request request-${r.state}`}>
                <div class="request-head">
                  <strong class="request-name">{r.visitorName}</strong>
                  <span class={`badge ${r.state === 'offered' ? 'chat-offered' : 'chat-queued'}`}>
                    {r.state === 'offered' ? 'Offered to you' : 'In queue'}
                  </span>
                  <span class="wait">waiting {formatWait(now - Date.parse(r.waitingSince))}</span>
                </div>
                <p class="request-message">{r.firstMessage}</p>
                {r.page && (
                  <p class="request-page">
                    on <PageLink url={r.page} />
                  </p>
                )}
                <div class="actions">
                  {r.state === 'offered' ? (
                    <>
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
                    </>
                  ) : (
                    <button
                      type="button"
                      class="button primary"
                      disabled={isBusy}
                      aria-label={`Take chat from ${r.visitorName}`}
                      onClick={() => void answer('take', r)}
                    >
                      Take
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
