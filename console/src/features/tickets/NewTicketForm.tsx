import { useEffect, useRef, useState } from 'preact/hooks';
import type { Category, Priority } from '@kamflo/shared/constants';
import { useAppStore } from '../../app-context.tsx';
import { CategoryField, PriorityField, FormFooter } from '../../ui/fields.tsx';

/** An agent opens a ticket for a customer, by email (source "agent-created"). */
export function NewTicketForm({ onClose }: { onClose: () => void }) {
  const createTicket = useAppStore((s) => s.createTicket);
  const openTicket = useAppStore((s) => s.openTicket);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const [priority, setPriority] = useState<Priority>('medium');
  const [category, setCategory] = useState<Category>('general');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    const result = await createTicket({
      requesterEmail: email,
      ...(name.trim() ? { requesterName: name } : {}),
      subject,
      message,
      priority,
      category,
    });
    setSaving(false);
    if (!result.ok) return setError(result.message);
    onClose();
    openTicket(result.data.number);
  };

  return (
    <div class="card panel" role="dialog" aria-labelledby="new-ticket-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h3 id="new-ticket-title">New ticket</h3>
      <form onSubmit={(e) => void submit(e)}>
        <label class="field">
          <span>Customer email</span>
          <input ref={first} type="email" value={email} required onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Customer name</span>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Subject</span>
          <input value={subject} required onInput={(e) => setSubject(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Message</span>
          <textarea rows={4} value={message} required onInput={(e) => setMessage(e.currentTarget.value)} />
        </label>
        <PriorityField value={priority} onChange={setPriority} />
        <CategoryField value={category} onChange={setCategory} />
        <FormFooter error={error} saving={saving} submit="Create ticket" onCancel={onClose} />
      </form>
    </div>
  );
}
