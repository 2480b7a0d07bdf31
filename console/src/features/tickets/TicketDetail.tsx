import { useEffect, useRef, useState } from 'preact/hooks';
import type { TicketDetailDto } from '@kamflo/shared';
import { CATEGORY_LABELS, canTransition } from '@kamflo/shared/constants';
import { useAppStore, useNow } from '../../app-context.tsx';
import type { ActionResult } from '../../store.ts';
import { formatDateTime } from '../../lib/format.ts';
import { PriorityBadge, SourceBadge, StatusBadge } from '../../ui/badges.tsx';
import { Link } from '../../ui/Link.tsx';
import { ResolveForm } from './ResolveForm.tsx';
import { SlaClock } from './sla.tsx';
import { Timeline, Transcript } from './Timeline.tsx';

/** One ticket: header, chat transcript, timeline, then the reply and note composers. */
export function TicketDetail({ number }: { number: number }) {
  const detail = useAppStore((s) => (s.detail?.number === number ? s.detail : null));
  const loading = useAppStore((s) => s.detailLoading);
  const error = useAppStore((s) => s.detailError);
  const loadTicket = useAppStore((s) => s.loadTicket);

  useEffect(() => {
    void loadTicket(number);
  }, [number, loadTicket]);

  return (
    <div class="ticket-detail">
      <Link to={{ view: 'tickets' }} class="back-link">
        <span aria-hidden="true">← </span>Back to the list
      </Link>
      {error && (
        <p class="error" role="alert">
          Couldn't load ticket #{number}: {error}
        </p>
      )}
      {!detail ? (
        <p class="muted" role="status">
          {loading ? `Loading ticket #${number}…` : ''}
        </p>
      ) : (
        // Keyed: another ticket starts with its forms closed.
        <TicketBody key={detail.number} ticket={detail} />
      )}
    </div>
  );
}

function TicketBody({ ticket }: { ticket: TicketDetailDto }) {
  const now = useNow(30_000);
  const [resolving, setResolving] = useState(false);
  const resolveButton = useRef<HTMLButtonElement>(null);
  const wasResolving = useRef(false);
  const canResolve = canTransition(ticket.status, 'resolved');

  // Back to the Resolve button when the form closes without resolving (it is hidden while open).
  useEffect(() => {
    if (wasResolving.current && !resolving) resolveButton.current?.focus();
    wasResolving.current = resolving;
  }, [resolving]);

  return (
    <article class="ticket" aria-labelledby="ticket-title">
      <div class="card ticket-header">
        <div class="ticket-title-row">
          <h2 id="ticket-title">
            <span class="ticket-number">#{ticket.number}</span> {ticket.subject}
          </h2>
          {canResolve && !resolving && (
            <button type="button" class="button success" ref={resolveButton} onClick={() => setResolving(true)}>
              Resolve
            </button>
          )}
        </div>
        <dl class="facts">
          <div>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={ticket.status} />
            </dd>
          </div>
          <div>
            <dt>Priority</dt>
            <dd>
              <PriorityBadge priority={ticket.priority} />
            </dd>
          </div>
          <div>
            <dt>Source</dt>
            <dd>
              <SourceBadge source={ticket.source} />
            </dd>
          </div>
          <div>
            <dt>Category</dt>
            <dd>{CATEGORY_LABELS[ticket.category]}</dd>
          </div>
          <div>
            <dt>Requester</dt>
            <dd>
              {ticket.requester.name ?? 'Unknown'}
              {ticket.requester.email && <span class="muted"> · {ticket.requester.email}</span>}
            </dd>
          </div>
          <div>
            <dt>Assignee</dt>
            <dd>{ticket.assignee?.name ?? 'Unassigned'}</dd>
          </div>
          <div>
            <dt>First response</dt>
            <dd>
              <SlaClock ticket={ticket} now={now} />
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={ticket.createdAt}>{formatDateTime(ticket.createdAt)}</time>
            </dd>
          </div>
        </dl>
      </div>
      {resolving && <ResolveForm ticket={ticket} onClose={() => setResolving(false)} />}
      {ticket.transcript.length > 0 && <Transcript ticket={ticket} />}
      <Timeline ticket={ticket} />
      <Composers ticket={ticket} />
    </article>
  );
}

function Composers({ ticket }: { ticket: TicketDetailDto }) {
  const reply = useAppStore((s) => s.reply);
  const addNote = useAppStore((s) => s.addNote);
  const customer = ticket.requester.name ?? ticket.requester.email ?? 'the customer';
  return (
    <div class="composers">
      <TextComposer
        kind="reply"
        title="Reply to customer"
        hint={`${customer} sees this.`}
        button="Reply"
        submit={(text) => reply(ticket.number, text)}
      />
      <TextComposer
        kind="note"
        title="Internal note"
        hint="Only your team sees this"
        button="Internal note"
        submit={(text) => addNote(ticket.number, text)}
      />
    </div>
  );
}

/** A textarea and a button; keeps the text when the server refuses it. */
function TextComposer(props: {
  kind: 'reply' | 'note';
  title: string;
  hint: string;
  button: string;
  submit: (text: string) => Promise<ActionResult>;
}) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `composer-${props.kind}`;

  const send = async () => {
    if (sending) return;
    setSending(true);
    setError(null);
    const result = await props.submit(text);
    setSending(false);
    if (result.ok) setText('');
    else setError(result.message);
  };

  return (
    <form
      class={`card composer-card composer-${props.kind}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <label class="composer-title" for={id}>
        {props.title}
      </label>
      <p id={`${id}-hint`} class="composer-hint">
        {props.hint}
      </p>
      <textarea
        id={id}
        rows={3}
        value={text}
        aria-describedby={`${id}-hint`}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class={`button ${props.kind === 'note' ? 'note' : 'primary'}`} disabled={sending || !text.trim()}>
          {props.button}
        </button>
        <span class="muted small">Ctrl+Enter to send</span>
      </div>
    </form>
  );
}
