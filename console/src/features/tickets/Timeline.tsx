import type { DeliveryDto, InboundEmailDto, MessageDto, TicketDetailDto, TicketEventDto } from '@kamflo/shared';
import { useState } from 'preact/hooks';
import {
  CHANNEL_LABELS,
  DELIVERY_STATE_LABELS,
  CATEGORY_LABELS,
  LEVEL_LABELS,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  type Category,
  type EscalationLevel,
  type Priority,
} from '@kamflo/shared/constants';
import { formatClock, formatDateTime } from '../../lib/format.ts';
import { useAppStore } from '../../app-context.tsx';

/** The chat as it stood when the ticket was made. */
export function Transcript({ ticket }: { ticket: TicketDetailDto }) {
  const visitor = ticket.requester.name ?? 'Visitor';
  return (
    <section class="card transcript" aria-labelledby="transcript-title">
      <h3 id="transcript-title" class="card-title">
        Chat transcript
      </h3>
      <ol class="messages">
        {[...ticket.transcript]
          .sort((a, b) => a.seq - b.seq)
          .map((m) => (
            <li key={m.id} class={`msg msg-${m.author}`}>
              <div class="msg-meta">
                <span class="msg-author">{transcriptAuthor(m, visitor)}</span>
                <time dateTime={m.createdAt}>{formatClock(m.createdAt)}</time>
              </div>
              <p class="msg-text">{m.text}</p>
            </li>
          ))}
      </ol>
    </section>
  );
}

function transcriptAuthor(m: MessageDto, visitor: string): string {
  if (m.author === 'visitor') return m.authorName ?? visitor;
  if (m.author === 'system') return 'Kamflo';
  return m.authorName ?? 'Agent';
}

/** Every event on the ticket, oldest first: the ticket's story. */
export function Timeline({ ticket }: { ticket: TicketDetailDto }) {
  const loadEarlier = useAppStore((s) => s.loadEarlierEvents);
  // Long histories come as their latest events; the earlier ones load on request.
  const [earlier, setEarlier] = useState<{ number: number; events: TicketEventDto[] } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shownEarlier = earlier?.number === ticket.number ? earlier.events : [];
  const before = ticket.earlierEvents ?? 0;
  const known = new Set(ticket.events.map((e) => e.seq));
  const events = [...shownEarlier.filter((e) => !known.has(e.seq)), ...ticket.events].sort((a, b) => a.seq - b.seq);
  return (
    <section class="card" aria-labelledby="timeline-title">
      <h3 id="timeline-title" class="card-title">
        Timeline
      </h3>
      {before > 0 && shownEarlier.length === 0 && (
        <p>
          <button
            type="button"
            class="button ghost small"
            disabled={loading}
            onClick={async () => {
              setLoading(true);
              const r = await loadEarlier(ticket.number, before);
              setLoading(false);
              if (r.ok) setEarlier({ number: ticket.number, events: r.data });
              else setError(r.message);
            }}
          >
            {loading ? 'Loading…' : `Show ${before} earlier events`}
          </button>
          {error && <span role="alert"> Couldn't load them: {error}</span>}
        </p>
      )}
      {events.length === 0 ? (
        <p class="empty">Nothing has happened on this ticket yet.</p>
      ) : (
        <ol class="timeline">
          {events.map((e) => (
            <TimelineEvent key={e.id} event={e} ticket={ticket} />
          ))}
        </ol>
      )}
    </section>
  );
}

function actorName(e: TicketEventDto, ticket: TicketDetailDto): string {
  if (e.actor.name) return e.actor.name;
  if (e.actor.kind === 'customer') return ticket.requester.name ?? ticket.requester.email ?? 'Customer';
  if (e.actor.kind === 'system') return 'Kamflo';
  return 'An agent';
}

function TimelineEvent({ event: e, ticket }: { event: TicketEventDto; ticket: TicketDetailDto }) {
  const who = actorName(e, ticket);
  let title: string;
  let tag: string | null = null;
  switch (e.type) {
    case 'created':
      title = `Ticket created from ${SOURCE_LABELS[ticket.source]}${e.actor.kind === 'agent' ? ` by ${who}` : ''}`;
      break;
    case 'customer_message':
      title = `${who} wrote`;
      tag = 'Customer';
      break;
    case 'reply':
      title = `${who} replied to the customer`;
      tag = 'Reply';
      break;
    case 'note':
      title = `${who} added a note`;
      tag = 'Internal note';
      break;
    case 'status_changed':
      title =
        e.from && e.to
          ? `${who} changed the status from ${STATUS_LABELS[e.from]} to ${STATUS_LABELS[e.to]}`
          : `${who} changed the status${e.to ? ` to ${STATUS_LABELS[e.to]}` : ''}`;
      break;
    case 'assigned':
      title = e.text ? `Assigned to ${e.text}` : `Assigned to ${who}`;
      break;
    case 'resolved':
      title = `${who} resolved the ticket`;
      tag = 'Resolved';
      break;
    case 'priority_changed':
      title = `${who} changed the priority from ${PRIORITY_LABELS[e.data?.from as Priority] ?? e.data?.from} to ${PRIORITY_LABELS[e.data?.to as Priority] ?? e.data?.to}`;
      break;
    case 'category_changed':
      title = `${who} changed the category from ${CATEGORY_LABELS[e.data?.from as Category] ?? e.data?.from} to ${CATEGORY_LABELS[e.data?.to as Category] ?? e.data?.to}`;
      break;
    case 'escalated':
      title = `${who} escalated to ${LEVEL_LABELS[e.data?.to as EscalationLevel] ?? e.data?.to}`;
      tag = 'Escalation note';
      break;
    case 'approval_requested':
      title = `${who} asked for a manager's approval`;
      tag = 'Needs approval';
      break;
    case 'approved':
      title = `${who} approved the resolution`;
      tag = 'Approved';
      break;
    case 'sla_alert':
      title = 'SLA alert';
      tag = 'SLA alert';
      break;
    case 'tags_changed': {
      const list = (v?: string) => (v ? v.split(',').filter(Boolean) : []);
      const added = list(e.data?.added);
      const removed = list(e.data?.removed);
      title = [
        added.length ? `${who} added the tags ${added.join(', ')}` : '',
        removed.length ? `${added.length ? 'and' : who} removed ${removed.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      break;
    }
    default:
      title = `${who}: ${e.type}`;
  }
  const showText = e.text && e.type !== 'assigned';
  const email = e.data?.email ? ticket.emails?.find((m) => m.id === e.data!.email) : undefined;
  return (
    <li class={`event event-${e.type}`}>
      <div class="event-head">
        {tag && <span class={`tag tag-${e.type}`}>{tag}</span>}
        <span class="event-title">{title}</span>
        <time dateTime={e.at}>{formatDateTime(e.at)}</time>
      </div>
      {(e.type === 'note' || e.type === 'escalated') && <p class="note-hint">Only your team sees this</p>}
      {showText && <p class="event-text">{e.text}</p>}
      {e.type === 'created' && e.data?.article && <ReadArticle slug={e.data.article} url={e.data.articleUrl} />}
      {e.type === 'resolved' && e.text && <p class="muted small">Sent to the customer as the closing message.</p>}
      {email && <EmailDetails email={email} />}
      <Deliveries ticket={ticket} seq={e.seq} />
    </li>
  );
}

/** The Help Center article the customer read before sending a request (only a public `/help/` page is linked). */
function ReadArticle({ slug, url }: { slug: string; url?: string }) {
  return (
    <p class="muted small">
      Read before asking:{' '}
      {url?.startsWith('/help/') ? (
        <a href={url} target="_blank" rel="noopener noreferrer">
          {slug}
        </a>
      ) : (
        slug
      )}
    </p>
  );
}

const formatSize = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`);

/** Where a customer-facing message went, per channel, with a Retry for a failed one. */
function Deliveries({ ticket, seq }: { ticket: TicketDetailDto; seq: number }) {
  const list = (ticket.deliveries ?? []).filter((d) => d.seq === seq);
  if (!list.length) return null;
  return (
    <div class="deliveries">
      <span class="deliveries-label" id={`delivery-${seq}`}>
        Delivery
      </span>
      <ul aria-labelledby={`delivery-${seq}`}>
        {list.map((d) => (
          <DeliveryItem key={d.id} delivery={d} ticketNumber={ticket.number} />
        ))}
      </ul>
    </div>
  );
}

function DeliveryItem({ delivery: d, ticketNumber }: { delivery: DeliveryDto; ticketNumber: number }) {
  const retry = useAppStore((s) => s.retryDelivery);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const where = `${d.kind === 'acknowledgement' ? 'Acknowledgement by ' : ''}${CHANNEL_LABELS[d.channel]}${d.channel === 'email' && d.to ? ` to ${d.to}` : ''}`;
  return (
    <li class={`delivery delivery-${d.state}`}>
      <span>
        {where}: <strong>{DELIVERY_STATE_LABELS[d.state]}</strong>
        {d.state === 'retrying' && d.nextAttemptAt ? ` (next try ${formatClock(d.nextAttemptAt)})` : ''}
      </span>
      {d.error && <span class="delivery-error"> — {d.error}</span>}
      {d.state === 'failed' && (
        <button
          type="button"
          class="button small"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            const r = await retry(ticketNumber, d.id);
            setBusy(false);
            if (!r.ok) setError(r.message);
          }}
        >
          Retry
        </button>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}

/** An inbound email's extras: the untrimmed original, the sanitized HTML in a sandboxed frame, attachments. */
function EmailDetails({ email }: { email: InboundEmailDto }) {
  const [original, setOriginal] = useState(false);
  const [html, setHtml] = useState(false);
  const [remote, setRemote] = useState(false);
  return (
    <div class="email-details">
      <div class="actions">
        {email.trimmed && (
          <button type="button" class="button ghost small" aria-expanded={original} onClick={() => setOriginal(!original)}>
            {original ? 'Hide the original email' : 'Show the original email'}
          </button>
        )}
        {email.htmlUrl && (
          <button type="button" class="button ghost small" aria-expanded={html} onClick={() => setHtml(!html)}>
            {html ? 'Hide the HTML version' : 'Show the HTML version'}
          </button>
        )}
      </div>
      {original && <pre class="email-original">{email.originalText}</pre>}
      {html && email.htmlUrl && (
        <div class="email-html">
          {email.remoteContent && !remote && (
            <p class="muted small">
              Remote images are not loaded.{' '}
              <button type="button" class="button ghost small" onClick={() => setRemote(true)}>
                Load remote images
              </button>
            </p>
          )}
          {/* No allow-scripts, no allow-same-origin: nothing in the mail can run or reach the console. */}
          <iframe
            title={`HTML version of the email from ${email.from.address}`}
            sandbox=""
            referrerpolicy="no-referrer"
            src={remote ? `${email.htmlUrl}?remote=1` : email.htmlUrl}
          />
        </div>
      )}
      {(email.attachments.length > 0 || (email.skipped?.length ?? 0) > 0) && (
        <ul class="attachments" aria-label="Attachments">
          {email.attachments.map((a) => (
            <li key={a.id}>
              <a href={a.url} download={a.name}>
                {a.name}
              </a>{' '}
              <span class="muted small">
                {a.type}, {formatSize(a.size)}
              </span>
            </li>
          ))}
          {email.skipped?.map((a) => (
            <li key={a.name} class="muted">
              {a.name} ({formatSize(a.size)}): not stored, {a.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
