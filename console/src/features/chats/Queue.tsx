import { useState } from 'preact/hooks';
import type { AgentPresenceDto, ChatRequestDto } from '@kamflo/shared';
import { useAppStore } from '../../app-context.tsx';
import { formatWait } from '../../lib/format.ts';
import { PageLink } from '../../ui/PageLink.tsx';
import { seesTeam } from '../presence/presence.slice.ts';
import { ChannelBadge } from '../../ui/badges.tsx';

const NO_AGENTS: AgentPresenceDto[] = [];
const byWait = (a: ChatRequestDto, b: ChatRequestDto) => Date.parse(a.waitingSince) - Date.parse(b.waitingSince);

/**
 * Chats nobody has yet, oldest first, which every online agent sees: first to Take it gets it.
 * Team leads may also assign one to an agent.
 */
export function Queue({ now }: { now: number }) {
  const requests = useAppStore((s) => s.requests);
  const answerRequest = useAppStore((s) => s.answerRequest);
  const isLead = useAppStore((s) => seesTeam(s.agent?.role));
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);

  const take = async (request: ChatRequestDto) => {
    setBusy((b) => ({ ...b, [request.conversationId]: true }));
    setError(null);
    const result = await answerRequest('take', request.conversationId);
    setBusy((b) => ({ ...b, [request.conversationId]: false }));
    if (!result.ok) setError(`Couldn't take the chat from ${request.visitorName}: ${result.message}`);
  };

  const queued = requests.filter((r) => r.state === 'queued').sort(byWait);
  return (
    <section class="queue" aria-label="Queue">
      <h3 class="subtitle">
        Queue <span class="muted small">({queued.length} waiting)</span>
      </h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {queued.length === 0 ? (
        <p class="empty">Nobody is waiting in the queue.</p>
      ) : (
        <ol class="request-list">
          {queued.map((r) => (
            <li key={r.conversationId} class="request request-queued">
              <div class="request-head">
                <strong class="request-name">{r.visitorName}</strong>
                <ChannelBadge channel={r.channel} />
                <span class="badge chat-queued">In queue</span>
                <span class="wait">waiting {formatWait(now - Date.parse(r.waitingSince))}</span>
              </div>
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
                  disabled={busy[r.conversationId] ?? false}
                  aria-label={`Take chat from ${r.visitorName}`}
                  onClick={() => void take(r)}
                >
                  Take
                </button>
                {isLead && <AssignControl request={r} onError={setError} />}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Team leads: give a queued chat to an online agent (`chat:assign`). */
function AssignControl({ request, onError }: { request: ChatRequestDto; onError: (message: string | null) => void }) {
  const team = useAppStore((s) => s.team ?? NO_AGENTS);
  const assignChat = useAppStore((s) => s.assignChat);
  const [agentId, setAgentId] = useState('');
  const [busy, setBusy] = useState(false);
  const candidates = team.filter((a) => a.status !== 'offline');
  const selectId = `assign-${request.conversationId}`;

  const assign = async () => {
    if (!agentId) {
      onError(`Choose an agent for the chat from ${request.visitorName}.`);
      return;
    }
    setBusy(true);
    onError(null);
    const result = await assignChat(request.conversationId, agentId);
    setBusy(false);
    if (!result.ok) onError(`Couldn't assign the chat from ${request.visitorName}: ${result.message}`);
  };

  return (
    <span class="assign">
      <label class="visually-hidden" for={selectId}>
        Assign chat from {request.visitorName} to
      </label>
      <select id={selectId} value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
        <option value="">Agent…</option>
        {candidates.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.status === 'away' ? 'away, ' : ''}
            {a.activeChats} / {a.capacity} chats)
          </option>
        ))}
      </select>
      <button type="button" class="button" disabled={busy} aria-label={`Assign chat from ${request.visitorName}`} onClick={() => void assign()}>
        Assign
      </button>
    </span>
  );
}
