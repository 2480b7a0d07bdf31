import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChainVerificationDto, TicketDetailDto } from '@kamflo/shared';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  DEFAULT_SITE,
  LEVEL_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  can,
  canTransition,
  nextLevel,
  reachSentence,
  type Category,
  type Priority,
} from '@kamflo/shared/constants';
import { useAppStore, useNow } from '../../app-context.tsx';
import type { ActionResult } from '../../store.ts';
import { formatDateTime } from '../../lib/format.ts';
import { SourceBadge, StatusBadge } from '../../ui/badges.tsx';
import { Link } from '../../ui/Link.tsx';
import { ResolveForm } from './ResolveForm.tsx';
import { SlaClock } from './sla.tsx';
import { EscalateDialog } from './EscalateDialog.tsx';
import { Timeline, Transcript } from './Timeline.tsx';
import { InsertArticleLink } from '../helpcenter/InsertArticleLink.tsx';
import { VisitorIdentity } from '../identity/VisitorIdentity.tsx';

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

/** The ticket's tags: each removable, and a field to add more (comma or space separated). */
function TagsControl({ ticket }: { ticket: TicketDetailDto }) {
  const setTags = useAppStore((s) => s.setTags);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (change: { add?: string[]; remove?: string[] }) => {
    setBusy(true);
    const r = await setTags(ticket.number, change);
    setBusy(false);
    setError(r.ok ? null : r.message);
    return r.ok;
  };
  const tags = ticket.tags ?? [];
  return (
    <div class="tags" role="group" aria-labelledby={`tags-${ticket.number}`}>
      {tags.length === 0 ? (
        <span class="muted">None</span>
      ) : (
        <ul class="tag-list">
          {tags.map((t) => (
            <li key={t} class="tag">
              {t}
              <button type="button" class="button ghost small" aria-label={`Remove tag ${t}`} disabled={busy} onClick={() => void run({ remove: [t] })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="add-tag"
        onSubmit={async (e) => {
          e.preventDefault();
          const add = text
            .split(/[\s,]+/)
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean);
          if (add.length && (await run({ add }))) setText('');
        }}
      >
        <input type="text" aria-label="Add tag" placeholder="Add tag" maxLength={200} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" class="button small" disabled={busy}>
          Add
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

type Panel = 'escalate' | 'close' | 'approval' | null;

function TicketBody({ ticket }: { ticket: TicketDetailDto }) {
  const now = useNow(30_000);
  const me = useAppStore((s) => s.agent);
  const setStatus = useAppStore((s) => s.setStatus);
  const approve = useAppStore((s) => s.approve);
  const setPriority = useAppStore((s) => s.setPriority);
  const setCategory = useAppStore((s) => s.setCategory);
  const requestApproval = useAppStore((s) => s.requestApproval);
  const [resolving, setResolving] = useState(false);
  const [panel, setPanel] = useState<Panel>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const resolveButton = useRef<HTMLButtonElement>(null);
  const wasResolving = useRef(false);
  const canResolve = canTransition(ticket.status, 'resolved') && !ticket.needsApproval;
  const working = ticket.status === 'open' || ticket.status === 'in_progress';
  const run = async (action: () => Promise<{ ok: boolean; message?: string }>) => {
    setActionError(null);
    const result = await action();
    if (!result.ok) setActionError(result.message ?? 'Something went wrong');
  };

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
          <div class="actions ticket-actions">
            {ticket.status === 'open' && (
              <button type="button" class="button ghost" onClick={() => void run(() => setStatus(ticket.number, 'in_progress'))}>
                Start work
              </button>
            )}
            {ticket.status === 'resolved' && (
              <button type="button" class="button ghost" onClick={() => void run(() => setStatus(ticket.number, 'open'))}>
                Re-open
              </button>
            )}
            {working && nextLevel(ticket.level) && panel !== 'escalate' && (
              <button type="button" class="button" onClick={() => setPanel('escalate')}>
                Escalate
              </button>
            )}
            {working && !ticket.needsApproval && panel !== 'approval' && (
              <button type="button" class="button ghost" onClick={() => setPanel('approval')}>
                Request approval
              </button>
            )}
            {ticket.needsApproval && me && can(me.role, 'ticket.approve') && (
              <button type="button" class="button success" onClick={() => void run(() => approve(ticket.number))}>
                Approve
              </button>
            )}
            {canResolve && !resolving && (
              <button type="button" class="button success" ref={resolveButton} onClick={() => setResolving(true)}>
                Resolve
              </button>
            )}
            {canTransition(ticket.status, 'closed') && panel !== 'close' && (
              <button type="button" class="button ghost" onClick={() => setPanel('close')}>
                Close
              </button>
            )}
          </div>
        </div>
        {ticket.needsApproval && (
          <p class="approval-banner" role="note">
            Needs a manager's approval before it can be resolved: {ticket.approvalReason}
          </p>
        )}
        {ticket.approvedBy && !ticket.needsApproval && <p class="muted small">Approved by {ticket.approvedBy.name}</p>}
        {actionError && (
          <p class="error" role="alert">
            {actionError}
          </p>
        )}
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
              <FieldSelect
                label="Priority"
                value={ticket.priority}
                options={PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]])}
                disabled={ticket.status === 'closed'}
                save={(v) => setPriority(ticket.number, v as Priority)}
              />
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
            <dd>
              <FieldSelect
                label="Category"
                value={ticket.category}
                options={CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]])}
                disabled={ticket.status === 'closed'}
                save={(v) => setCategory(ticket.number, v as Category)}
              />
            </dd>
          </div>
          <div>
            <dt id={`tags-${ticket.number}`}>Tags</dt>
            <dd>
              <TagsControl ticket={ticket} />
            </dd>
          </div>
          <div>
            <dt>Level</dt>
            <dd>{LEVEL_LABELS[ticket.level ?? 'L1']}</dd>
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
            <dd>
              {ticket.assignee?.name ?? 'Unassigned'}
              {ticket.status !== 'closed' && <AssignControl ticket={ticket} />}
            </dd>
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
        {ticket.site && ticket.visitorId && <VisitorIdentity site={ticket.site} visitorId={ticket.visitorId} ticketNumber={ticket.number} />}
      </div>
      {resolving && <ResolveForm ticket={ticket} onClose={() => setResolving(false)} />}
      {panel === 'escalate' && <EscalateDialog ticket={ticket} onClose={() => setPanel(null)} />}
      {panel === 'close' && (
        <ReasonForm
          title="Close ticket"
          help="Closing is final: use it for spam or duplicates. The ticket never re-opens."
          label="Reason for closing"
          button="Close ticket"
          submit={(reason) => setStatus(ticket.number, 'closed', reason)}
          onClose={() => setPanel(null)}
        />
      )}
      {panel === 'approval' && (
        <ReasonForm
          title="Request approval"
          help="For policy exceptions or financial implications. A manager must approve before the ticket can be resolved."
          label="Why approval is needed"
          button="Request approval"
          submit={(reason) => requestApproval(ticket.number, reason)}
          onClose={() => setPanel(null)}
        />
      )}
      {ticket.transcript.length > 0 && <Transcript ticket={ticket} />}
      <Timeline ticket={ticket} />
      {me && can(me.role, 'audit.verify') && <VerifyHistory number={ticket.number} />}
      <Composers ticket={ticket} />
    </article>
  );
}

function Composers({ ticket }: { ticket: TicketDetailDto }) {
  const reply = useAppStore((s) => s.reply);
  const addNote = useAppStore((s) => s.addNote);
  const reach = ticket.reach ?? {};
  // The truth before sending: which channel carries the reply, or that none does (the server refuses then).
  const reachable = !ticket.reach || !!reach.email || !!reach.widget;
  return (
    <div class="composers">
      <TextComposer
        kind="reply"
        title="Reply to customer"
        hint={`${reachSentence(ticket.requester, reach)}.`}
        button="Reply"
        blocked={!reachable}
        articleSite={ticket.site ?? DEFAULT_SITE}
        submit={(text) => reply(ticket.number, text)}
      />
      <TextComposer kind="note" title="Internal note" hint="Only your team sees this" button="Internal note" submit={(text) => addNote(ticket.number, text)} />
    </div>
  );
}

/** A textarea and a button; keeps the text when the server refuses it. */
function TextComposer(props: {
  kind: 'reply' | 'note';
  title: string;
  hint: string;
  button: string;
  /** Sending is pointless (no channel reaches the customer): the hint says why. */
  blocked?: boolean;
  /** Offer "Insert article link" with this site's published Help Center articles. */
  articleSite?: string;
  submit: (text: string) => Promise<ActionResult>;
}) {
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  /** Puts `snippet` where the cursor is (or at the end), on a line of its own. */
  const insert = (snippet: string) => {
    const el = box.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? start;
    const before = text.slice(0, start);
    const after = text.slice(end);
    const lead = before && !before.endsWith('\n') ? '\n' : '';
    const trail = after && !after.startsWith('\n') ? '\n' : '';
    const next = `${before}${lead}${snippet}${trail}${after}`;
    setText(next);
    const caret = before.length + lead.length + snippet.length;
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(caret, caret);
    });
  };
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
        ref={box}
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
        <button type="submit" class={`button ${props.kind === 'note' ? 'note' : 'primary'}`} disabled={sending || !text.trim() || props.blocked}>
          {props.button}
        </button>
        <span class="muted small">Ctrl+Enter to send</span>
        {props.articleSite && <InsertArticleLink site={props.articleSite} onInsert={insert} />}
      </div>
    </form>
  );
}

/** A select that saves on change; shows the server's refusal next to itself. */
function FieldSelect(props: { label: string; value: string; options: [string, string][]; disabled?: boolean; save: (value: string) => Promise<ActionResult> }) {
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  return (
    <span class="field-select">
      <select
        aria-label={props.label}
        value={props.value}
        disabled={props.disabled || saving}
        onChange={async (e) => {
          const value = e.currentTarget.value;
          setSaving(true);
          setError(null);
          const result = await props.save(value);
          setSaving(false);
          if (!result.ok) setError(result.message);
        }}
      >
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** Take the ticket, or (team leads and above) give it to anyone. */
function AssignControl({ ticket }: { ticket: TicketDetailDto }) {
  const me = useAppStore((s) => s.agent);
  const agents = useAppStore((s) => s.agents);
  const loadAgents = useAppStore((s) => s.loadAgents);
  const assign = useAppStore((s) => s.assign);
  const mayReassign = me ? can(me.role, 'ticket.reassign') : false;
  const [target, setTarget] = useState(me?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (mayReassign) void loadAgents();
  }, [mayReassign, loadAgents]);

  if (!me) return null;
  const options = mayReassign ? agents.filter((a) => a.id !== ticket.assignee?.id) : [me];
  if (!mayReassign && ticket.assignee) return null; // agents take only unassigned tickets
  if (options.length === 0) return null;
  const chosen = options.some((a) => a.id === target) ? target : options[0]!.id;

  return (
    <form
      class="assign-control"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaving(true);
        setError(null);
        const result = await assign(ticket.number, chosen);
        setSaving(false);
        if (!result.ok) setError(result.message);
      }}
    >
      <select aria-label="Assignee" value={chosen} onChange={(e) => setTarget(e.currentTarget.value)}>
        {options.map((a) => (
          <option key={a.id} value={a.id}>
            {a.id === me.id ? `${a.name} (me)` : a.name}
          </option>
        ))}
      </select>
      <button type="submit" class="button small" disabled={saving}>
        Assign
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** A small form with one required reason (closing, asking for approval). */
function ReasonForm(props: {
  title: string;
  help: string;
  label: string;
  button: string;
  submit: (reason: string) => Promise<ActionResult>;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  const id = props.title.toLowerCase().replace(/\W+/g, '-');
  return (
    <div class="card panel" role="dialog" aria-labelledby={`${id}-title`} onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
      <h3 id={`${id}-title`}>{props.title}</h3>
      <p class="muted">{props.help}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setSaving(true);
          setError(null);
          const result = await props.submit(reason);
          setSaving(false);
          if (result.ok) props.onClose();
          else setError(result.message);
        }}
      >
        <label class="field">
          <span>{props.label}</span>
          <textarea ref={input} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="button primary" disabled={saving}>
            {props.button}
          </button>
          <button type="button" class="button ghost" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** Admins: recompute the hash chain; a direct edit in the database shows as the first altered event. */
const FIELD_LABELS: Record<NonNullable<ChainVerificationDto['field']>, string> = {
  status: 'status',
  assignee: 'assignee',
  priority: 'priority',
  level: 'escalation level',
  requesterName: "requester's name",
  requesterEmail: "requester's email",
};

function historyAltered(r: ChainVerificationDto): string {
  const at = `event #${r.brokenSeq ?? '?'}`;
  if (r.reason === 'missing') return `History altered: events from ${at} are missing`;
  if (r.reason === 'ticket_altered') return `History altered: the ticket's ${r.field ? FIELD_LABELS[r.field] : 'fields'} no longer match ${at}`;
  if (r.reason === 'before_migration') return `History altered before the upgrade to keyed hashes: ${at} did not match its hash`;
  return `History altered: ${at} does not match its hash`;
}

function VerifyHistory({ number }: { number: number }) {
  const verify = useAppStore((s) => s.verifyHistory);
  const [result, setResult] = useState<string | null>(null);
  return (
    <div class="verify-history">
      <button
        type="button"
        class="button ghost small"
        onClick={async () => {
          const r = await verify(number);
          if (!r.ok) setResult(`Couldn't verify: ${r.message}`);
          else if (r.data.ok) setResult(`History intact: ${r.data.events} events, hash chain verified`);
          else setResult(historyAltered(r.data));
        }}
      >
        Verify history
      </button>
      <span role="status">{result ?? ''}</span>
    </div>
  );
}
