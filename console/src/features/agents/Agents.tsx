import { useEffect, useState } from 'preact/hooks';
import { AGENT_CAPACITY_MAX, ESCALATION_LEVELS, ROLE_LABELS, ROLES, type EscalationLevel, type Role } from '@kamflo/shared/constants';
import type { ManagedAgentDto, SetPasswordLinkDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';
import { AgentAudit } from './AgentAudit.tsx';

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong');
/** The link as the agent opens it: relative links are on this server. */
const absolute = (url: string) => new URL(url, location.origin).toString();

/** Settings → Agents (admins): invite, change role, capacity and level, deactivate, reset a password. */
export function Agents() {
  const { api } = useDeps();
  const [agents, setAgents] = useState<ManagedAgentDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ title: string; url: string } | null>(null);

  useEffect(() => {
    api.call('GET /api/admin/agents').then(setAgents, (e) => setError(messageOf(e)));
  }, [api]);

  const replace = (a: ManagedAgentDto) => setAgents((list) => (list ?? []).map((x) => (x.id === a.id ? a : x)));
  async function act(run: () => Promise<void>) {
    try {
      await run();
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }
  const showLink = (title: string, r: SetPasswordLinkDto) => setLink({ title, url: absolute(r.url) });

  return (
    <section class="card agents-admin" aria-labelledby="agents-admin-title">
      <h2 id="agents-admin-title" class="card-title">
        Agents
      </h2>
      <InviteForm
        onInvited={(r) => {
          setAgents((list) => [...(list ?? []), r.agent]);
          showLink(`Set-password link for ${r.agent.name}`, r);
        }}
      />
      {link && <OneTimeLink {...link} onDone={() => setLink(null)} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {agents && (
        <table aria-label="Agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Role</th>
              <th scope="col">Capacity</th>
              <th scope="col">Level</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <AgentRow
                // A saved change remounts the row with the server's values.
                key={`${a.id}:${a.role}:${a.capacity}:${a.level}:${a.active}`}
                agent={a}
                onSave={(change) => act(async () => replace(await api.call('PATCH /api/agents/:id', { params: { id: a.id }, body: change })))}
                onDeactivate={() =>
                  act(async () =>
                    replace(await api.call(a.active ? 'POST /api/agents/:id/deactivate' : 'POST /api/agents/:id/reactivate', { params: { id: a.id } })),
                  )
                }
                onReset={() =>
                  act(async () => {
                    const r = await api.call('POST /api/agents/:id/reset-password', { params: { id: a.id } });
                    replace(r.agent);
                    showLink(`Set-password link for ${r.agent.name}`, r);
                  })
                }
              />
            ))}
          </tbody>
        </table>
      )}
      <AgentAudit />
    </section>
  );
}

type Change = { role?: Role; capacity?: number; level?: EscalationLevel };

function AgentRow({
  agent,
  onSave,
  onDeactivate,
  onReset,
}: {
  agent: ManagedAgentDto;
  onSave: (change: Change) => void;
  onDeactivate: () => void;
  onReset: () => void;
}) {
  const [role, setRole] = useState<Role>(agent.role);
  const [capacity, setCapacity] = useState(String(agent.capacity));
  const [level, setLevel] = useState<EscalationLevel>(agent.level);
  const change: Change = {
    ...(role !== agent.role ? { role } : {}),
    ...(Number(capacity) !== agent.capacity ? { capacity: Number(capacity) } : {}),
    ...(level !== agent.level ? { level } : {}),
  };
  return (
    <tr>
      <td>
        {agent.name} <span class="muted small">{agent.email}</span>
      </td>
      <td>
        <select aria-label="Role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          type="number"
          aria-label="Capacity"
          min={1}
          max={AGENT_CAPACITY_MAX}
          step={1}
          value={capacity}
          onInput={(e) => setCapacity(e.currentTarget.value)}
        />
      </td>
      <td>
        <select aria-label="Level" value={level} onChange={(e) => setLevel(e.currentTarget.value as EscalationLevel)}>
          {ESCALATION_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </td>
      <td>{agent.active ? 'Active' : 'Deactivated'}</td>
      <td>
        <button type="button" class="button small" disabled={!Object.keys(change).length} onClick={() => onSave(change)}>
          Save
        </button>
        <button type="button" class="button ghost small" onClick={onDeactivate}>
          {agent.active ? 'Deactivate' : 'Reactivate'}
        </button>
        {agent.active && (
          <button type="button" class="button ghost small" onClick={onReset}>
            Reset password
          </button>
        )}
      </td>
    </tr>
  );
}

function InviteForm({ onInvited }: { onInvited: (r: SetPasswordLinkDto) => void }) {
  const { api } = useDeps();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [capacity, setCapacity] = useState('4');
  const [level, setLevel] = useState<EscalationLevel>('L1');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="agent-invite-form"
      aria-label="Invite agent"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          onInvited(await api.call('POST /api/agents/invite', { body: { email, name, role, capacity: Number(capacity), level } }));
          setEmail('');
          setName('');
          setError(null);
        } catch (err) {
          setError(messageOf(err));
        }
      }}
    >
      <label class="inline-field">
        <span>Email</span>
        <input type="email" value={email} required onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label class="inline-field">
        <span>Name</span>
        <input type="text" value={name} required onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="inline-field">
        <span>Role</span>
        <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <label class="inline-field">
        <span>Capacity</span>
        <input type="number" min={1} max={AGENT_CAPACITY_MAX} step={1} value={capacity} onInput={(e) => setCapacity(e.currentTarget.value)} />
      </label>
      <label class="inline-field">
        <span>Level</span>
        <select value={level} onChange={(e) => setLevel(e.currentTarget.value as EscalationLevel)}>
          {ESCALATION_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="button primary" disabled={!email.trim() || !name.trim()}>
        Invite agent
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** A set-password link just made: shown this once, with a copy button. */
function OneTimeLink({ title, url, onDone }: { title: string; url: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div class="api-token-secret" role="region" aria-label={title}>
      <p>Send this link to the agent now: it works once, for 7 days, and is not shown again.</p>
      <input type="text" readOnly value={url} aria-label={title} onFocus={(e) => e.currentTarget.select()} />
      <button
        type="button"
        class="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(url);
            setCopied('Copied');
          } catch {
            setCopied('Copying failed: select the link and copy it');
          }
        }}
      >
        Copy link
      </button>
      <button type="button" class="button ghost" onClick={onDone}>
        Done
      </button>
      {copied && (
        <span class="muted" role="status">
          {copied}
        </span>
      )}
    </div>
  );
}
