import { useEffect, useRef, useState } from 'preact/hooks';
import type { TicketDetailDto } from '@kamflo/shared';
import {
  LEVEL_LABELS,
  NEXT_STEPS,
  NEXT_STEP_LABELS,
  defaultEscalationUpdate,
  nextLevel,
  reachSentence,
  type Category,
  type NextStep,
  type Priority,
} from '@kamflo/shared/constants';
import { useAppStore } from '../../app-context.tsx';
import { CategoryField, PriorityField } from '../../ui/fields.tsx';

/**
 * The handbook's escalation checklist: what was tried, the customer's context, what the next
 * level must do, a confirmed priority and category, and an update for the customer. The server
 * refuses an incomplete one and names what is missing; this form shows that message as it is.
 */
export function EscalateDialog({ ticket, onClose }: { ticket: TicketDetailDto; onClose: () => void }) {
  const escalate = useAppStore((s) => s.escalate);
  const to = nextLevel(ticket.level) ?? 'L3';
  const [tried, setTried] = useState('');
  const [context, setContext] = useState('');
  const [nextStep, setNextStep] = useState<NextStep | ''>('');
  const [details, setDetails] = useState('');
  const [priority, setPriority] = useState<Priority>(ticket.priority);
  const [category, setCategory] = useState<Category>(ticket.category);
  const [useDefault, setUseDefault] = useState(false);
  const [update, setUpdate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLTextAreaElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    const result = await escalate(ticket.number, {
      tried,
      customerContext: context,
      ...(nextStep ? { nextStep } : {}),
      nextStepDetails: details,
      priority,
      category,
      ...(useDefault ? { useDefaultCustomerUpdate: true } : { customerUpdate: update }),
    });
    setSaving(false);
    if (result.ok) onClose();
    else setError(result.message);
  };

  return (
    <div
      class="card panel escalate-panel"
      role="dialog"
      aria-labelledby="escalate-title"
      aria-describedby="escalate-help"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <h3 id="escalate-title">Escalate</h3>
      <p id="escalate-help" class="muted">
        To {LEVEL_LABELS[to]}. The note must stand on its own: the next level shouldn't need to read the whole conversation.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label class="field">
          <span>What was tried</span>
          <textarea ref={first} rows={3} value={tried} onInput={(e) => setTried(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Customer context</span>
          <textarea rows={3} value={context} onInput={(e) => setContext(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Next step</span>
          <select value={nextStep} onChange={(e) => setNextStep(e.currentTarget.value as NextStep | '')}>
            <option value="">Choose what the next level must do</option>
            {NEXT_STEPS.map((s) => (
              <option key={s} value={s}>
                {NEXT_STEP_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>What the next level must do</span>
          <textarea rows={2} value={details} onInput={(e) => setDetails(e.currentTarget.value)} />
        </label>
        <PriorityField value={priority} onChange={setPriority} />
        <CategoryField value={category} onChange={setCategory} />
        <label class="field checkbox">
          <input type="checkbox" checked={useDefault} onChange={(e) => setUseDefault(e.currentTarget.checked)} />
          <span>Send the default update</span>
        </label>
        <label class="field">
          <span>Customer update</span>
          <textarea
            rows={3}
            value={useDefault ? defaultEscalationUpdate(to) : update}
            disabled={useDefault}
            aria-describedby="escalate-reach"
            onInput={(e) => setUpdate(e.currentTarget.value)}
          />
        </label>
        {ticket.reach && (
          <p id="escalate-reach" class="hint">
            {reachSentence(ticket.requester, ticket.reach)}.
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="button primary" disabled={saving}>
            Escalate to {to}
          </button>
          <button type="button" class="button ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
