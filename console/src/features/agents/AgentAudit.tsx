import { useState } from 'preact/hooks';
import type { AgentAuditEntryDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';

const ACTIONS: Record<AgentAuditEntryDto['action'], string> = {
  invite: 'invited',
  update: 'changed',
  deactivate: 'deactivated',
  reactivate: 'reactivated',
  'reset-password': 'reset the password of',
  'set-password': 'set a password by link',
  'change-password': 'changed their own password',
};

/** One line: "Ada (ada@…) changed cy@… — capacity 3, level L2". */
function describe(e: AgentAuditEntryDto): string {
  const change = e.change
    ? ` — ${Object.entries(e.change)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    : '';
  if (e.action === 'set-password') return `${e.agent.email} ${ACTIONS[e.action]}`;
  if (e.action === 'change-password') return `${e.agent.email} ${ACTIONS[e.action]}`;
  return `${e.actor?.email ?? 'Someone'} ${ACTIONS[e.action]} ${e.agent.email}${change}`;
}

/** Settings → Agents → Recent changes: the agents' audit, loaded when asked for. */
export function AgentAudit() {
  const { api } = useDeps();
  const [entries, setEntries] = useState<AgentAuditEntryDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  async function toggle() {
    const next = !open;
    setOpen(next);
    if (!next) return;
    try {
      setEntries(await api.call('GET /api/admin/agents/audit'));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Something went wrong');
    }
  }

  return (
    <div class="agent-audit">
      <button type="button" class="link-button" aria-expanded={open} onClick={toggle}>
        Recent changes
      </button>
      {open && error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {open && entries && (
        <ol aria-label="Recent changes to agents">
          {entries.length === 0 && <li>No changes yet</li>}
          {entries.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{formatDateTime(e.at)}</time> {describe(e)}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
