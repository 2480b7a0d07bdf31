import { useEffect, useState } from 'preact/hooks';
import {
  ALERT_CONDITIONS,
  ALERT_RECIPIENTS,
  PRIORITIES,
  PRIORITY_LABELS,
  type AlertCondition,
  type AlertRecipient,
  type AlertRule,
  type Priority,
} from '@kamflo/shared/constants';
import { useAppStore } from '../../app-context.tsx';

const CONDITION_LABELS: Record<AlertCondition, string> = {
  no_reply_for: 'No customer-facing reply for',
  in_progress_without_update: 'In progress without an update for',
  past_due: 'Past its first-response target',
};
const RECIPIENT_LABELS: Record<AlertRecipient, string> = {
  assignee: 'Assignee',
  team_leads: 'Team leads',
  managers: 'Managers',
  admins: 'Admins',
};

/** Admins: first-response windows per priority and the SLA alert rules. */
export function TicketSettings() {
  const load = useAppStore((s) => s.loadTicketSettings);
  const sla = useAppStore((s) => s.slaSettings);
  const rules = useAppStore((s) => s.alertRules);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void load().then((r) => setError(r.ok ? null : r.message));
  }, [load]);
  return (
    <section class="card ticket-settings" aria-labelledby="ticket-settings-title">
      <h2 id="ticket-settings-title" class="card-title">
        SLA settings
      </h2>
      {error && <p class="error">Couldn't load the settings: {error}</p>}
      {sla && <SlaForm initial={sla} />}
      {rules && <AlertRulesEditor initial={rules} />}
    </section>
  );
}

function SlaForm({ initial }: { initial: Record<Priority, number> }) {
  const save = useAppStore((s) => s.saveSlaSettings);
  const [hours, setHours] = useState<Record<Priority, string>>(
    () => Object.fromEntries(PRIORITIES.map((p) => [p, String(initial[p])])) as Record<Priority, string>,
  );
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      class="sla-form"
      aria-label="First-response windows"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await save(Object.fromEntries(PRIORITIES.map((p) => [p, Number(hours[p])])) as Record<Priority, number>);
        setMessage(result.ok ? { ok: true, text: 'SLA windows saved' } : { ok: false, text: result.message });
      }}
    >
      {PRIORITIES.map((p) => (
        <label key={p} class="inline-field">
          <span>{PRIORITY_LABELS[p]} (hours)</span>
          <input type="number" min="0" step="any" value={hours[p]} onInput={(e) => setHours({ ...hours, [p]: e.currentTarget.value })} />
        </label>
      ))}
      <button type="submit" class="button primary">
        Save SLA windows
      </button>
      {message && (
        <p class={message.ok ? 'muted' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </form>
  );
}

function AlertRulesEditor({ initial }: { initial: AlertRule[] }) {
  const save = useAppStore((s) => s.saveAlertRules);
  const [rules, setRules] = useState<AlertRule[]>(initial);
  const [draft, setDraft] = useState<AlertRule>({ id: '', priorities: ['high'], condition: 'no_reply_for', hours: 3, notify: ['assignee'] });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  return (
    <div class="alert-rules">
      <h3 id="alert-rules-title">Alert rules</h3>
      <table aria-labelledby="alert-rules-title">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Priorities</th>
            <th scope="col">When</th>
            <th scope="col">Who is told</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <td>{r.id}</td>
              <td>{r.priorities.map((p) => PRIORITY_LABELS[p]).join(', ')}</td>
              <td>
                {CONDITION_LABELS[r.condition]}
                {r.condition !== 'past_due' ? ` ${r.hours} h` : ''}
              </td>
              <td>{r.notify.map((n) => RECIPIENT_LABELS[n]).join(', ')}</td>
              <td>
                <button type="button" class="button ghost small" onClick={() => setRules(rules.filter((x) => x.id !== r.id))}>
                  Remove rule {r.id}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset class="new-rule">
        <legend>New rule</legend>
        <label class="inline-field">
          <span>Rule id</span>
          <input value={draft.id} onInput={(e) => setDraft({ ...draft, id: e.currentTarget.value })} />
        </label>
        {PRIORITIES.map((p) => (
          <label key={p} class="inline-field">
            <input type="checkbox" checked={draft.priorities.includes(p)} onChange={() => setDraft({ ...draft, priorities: toggle(draft.priorities, p) })} />
            <span>{PRIORITY_LABELS[p]}</span>
          </label>
        ))}
        <label class="inline-field">
          <span>Condition</span>
          <select value={draft.condition} onChange={(e) => setDraft({ ...draft, condition: e.currentTarget.value as AlertCondition })}>
            {ALERT_CONDITIONS.map((c) => (
              <option key={c} value={c}>
                {CONDITION_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        {draft.condition !== 'past_due' && (
          <label class="inline-field">
            <span>Hours</span>
            <input type="number" min="0" step="any" value={draft.hours ?? ''} onInput={(e) => setDraft({ ...draft, hours: Number(e.currentTarget.value) })} />
          </label>
        )}
        {ALERT_RECIPIENTS.map((r) => (
          <label key={r} class="inline-field">
            <input type="checkbox" checked={draft.notify.includes(r)} onChange={() => setDraft({ ...draft, notify: toggle(draft.notify, r) })} />
            <span>Tell {RECIPIENT_LABELS[r].toLowerCase()}</span>
          </label>
        ))}
        <button
          type="button"
          class="button"
          onClick={() => {
            const { hours, ...rest } = draft;
            setRules([...rules, draft.condition === 'past_due' ? rest : { ...rest, hours }]);
          }}
        >
          Add rule
        </button>
      </fieldset>
      <button
        type="button"
        class="button primary"
        onClick={async () => {
          const result = await save(rules);
          setMessage(result.ok ? { ok: true, text: 'Alert rules saved' } : { ok: false, text: result.message });
        }}
      >
        Save alert rules
      </button>
      {message && (
        <p class={message.ok ? 'muted' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
