import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationDto } from '@kamflo/shared';
import { MAX_SUBJECT_LENGTH, PRIORITIES, PRIORITY_LABELS, DEFAULT_SLA_MS, type Category, type Priority } from '@kamflo/shared/constants';
import { useAppStore } from '../../app-context.tsx';
import { CategoryField, FormFooter } from '../../ui/fields.tsx';

/** A subject from the visitor's first words, cut at a word boundary. */
export function suggestSubject(firstMessage: string, max = 80): string {
  const text = firstMessage.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

function hours(ms: number): string {
  const h = Math.round(ms / 3_600_000);
  return h === 1 ? '1 hour' : `${h} hours`;
}

/** Turns the conversation into a ticket (subject, priority, category). */
export function ConvertToTicket({ chat, onClose }: { chat: ConversationDto; onClose: () => void }) {
  const convertToTicket = useAppStore((s) => s.convertToTicket);
  const [subject, setSubject] = useState(() => suggestSubject(chat.firstMessage));
  const [priority, setPriority] = useState<Priority>('medium');
  const [category, setCategory] = useState<Category>('general');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const subjectInput = useRef<HTMLInputElement>(null);

  useEffect(() => subjectInput.current?.select(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const result = await convertToTicket(chat.id, { subject: subject.trim(), priority, category });
    setSaving(false);
    // On success the console switches to the new ticket.
    if (!result.ok) setError(result.message);
  };

  return (
    <div
      class="panel"
      role="dialog"
      aria-labelledby="convert-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h3 id="convert-title">Convert to ticket</h3>
      <p class="muted small">The chat transcript is attached to the ticket, and the SLA clock starts now.</p>
      <form onSubmit={(e) => void submit(e)}>
        <label class="field">
          <span>Subject</span>
          <input ref={subjectInput} type="text" required maxLength={MAX_SUBJECT_LENGTH} value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </label>
        <div class="field-row">
          <div class="field">
            <label for="convert-priority">Priority</label>
            <select
              id="convert-priority"
              value={priority}
              aria-describedby="convert-priority-sla"
              onChange={(e) => setPriority(e.currentTarget.value as Priority)}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABELS[p]}
                </option>
              ))}
            </select>
            <span id="convert-priority-sla" class="hint">
              First response within {hours(DEFAULT_SLA_MS[priority])}
            </span>
          </div>
          <CategoryField value={category} onChange={setCategory} />
        </div>
        <FormFooter error={error} saving={saving} submit="Create ticket" onCancel={onClose} />
      </form>
    </div>
  );
}
