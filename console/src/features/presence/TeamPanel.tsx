import type { AgentPresenceDto, PresenceStatus } from '@kamflo/shared';
import { ROLE_LABELS } from '@kamflo/shared/constants';
import { useAppStore } from '../../app-context.tsx';
import { seesTeam } from './presence.slice.ts';

const STATUS_LABELS: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };
const ORDER: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };

const byStatusThenName = (a: AgentPresenceDto, b: AgentPresenceDto) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name);

/** Team leads and above: who is online and how loaded, live from `presence:updated`. */
export function TeamPanel() {
  const isLead = useAppStore((s) => seesTeam(s.agent?.role));
  const team = useAppStore((s) => s.team);
  if (!isLead) return null;

  const agents = [...(team ?? [])].sort(byStatusThenName);
  return (
    <section class="card team" aria-label="Team">
      <h2 class="card-title">Team</h2>
      {team === null ? (
        <p class="empty">Loading who is online…</p>
      ) : agents.length === 0 ? (
        <p class="empty">Nobody is online.</p>
      ) : (
        <ul class="team-list">
          {agents.map((a) => (
            <li key={a.id} class={`team-member presence-${a.status}`}>
              <span class="dot" aria-hidden="true" />
              <strong>
                {a.name} <span class="muted small">{ROLE_LABELS[a.role]}</span>
              </strong>
              <span class="team-status">{STATUS_LABELS[a.status]}</span>
              <span class={`team-load${a.activeChats >= a.capacity ? ' full' : ''}`}>
                {a.activeChats} / {a.capacity} chats
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
