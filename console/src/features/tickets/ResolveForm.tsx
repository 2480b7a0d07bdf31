import { useEffect, useRef, useState } from 'preact/hooks';
import type { TicketDetailDto } from '@kamflo/shared';
import { reachSentence } from '@kamflo/shared/constants';
import { useAppStore } from '../../app-context.tsx';
import { FormFooter } from '../../ui/fields.tsx';

/**
 * The handbook's closing message: the customer learns what happened, why, and what to do if it
 * happens again. The [bracketed] parts are for the agent to fill in.
 */
export function closingTemplate(ticket: Pick<TicketDetailDto, 'number' | 'subject' | 'requester'>, agentName?: string) {
  const firstName = ticket.requester.name?.trim().split(/\s+/)[0];
  return [
    `Hi ${firstName || 'there'},`,
    '',
    `Your request "${ticket.subject}" (ticket #${ticket.number}) is now resolved.`,
    '',
    'What happened: [describe what went wrong and what we did to fix it]',
    'Why it happened: [explain the cause]',
    `If it happens again: [what you can try first]. If that doesn't help, reply to this message or start a chat on our website and mention ticket #${ticket.number} — we'll pick it up straight away.`,
    '',
    'Thank you for your patience. Please reach out if you have any further questions.',
    ...(agentName ? ['', agentName] : []),
  ].join('\n');
}

const PLACEHOLDER = /\[[^\]\n]+\]/;

/** Confirms the resolution with a closing message; the server refuses an empty one. */
export function ResolveForm({ ticket, onClose }: { ticket: TicketDetailDto; onClose: () => void }) {
  const resolve = useAppStore((s) => s.resolve);
  const agentName = useAppStore((s) => s.agent?.name);
  const [message, setMessage] = useState(() => closingTemplate(ticket, agentName));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);

  useEffect(() => textarea.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const result = await resolve(ticket.number, message);
    setSaving(false);
    if (result.ok) onClose();
    else setError(result.message);
  };

  return (
    <div
      class="card panel resolve-panel"
      role="dialog"
      aria-labelledby="resolve-title"
      aria-describedby="resolve-help"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h3 id="resolve-title">Resolve ticket</h3>
      <p id="resolve-help" class="muted">
        Before resolving, make sure the customer knows what happened, why it happened, and what to do if it happens again.{' '}
        {ticket.reach ? `${reachSentence(ticket.requester, ticket.reach)}.` : 'This message is sent to them.'}
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label class="field">
          <span>Closing message</span>
          <textarea
            ref={textarea}
            rows={10}
            value={message}
            aria-required="true"
            aria-describedby="resolve-placeholder"
            onInput={(e) => setMessage(e.currentTarget.value)}
          />
        </label>
        <p id="resolve-placeholder" class="hint" aria-live="polite">
          {PLACEHOLDER.test(message) ? 'Replace the parts in [brackets] before sending.' : ''}
        </p>
        <FormFooter error={error} saving={saving} submit="Resolve ticket" tone="success" onCancel={onClose} />
      </form>
    </div>
  );
}
