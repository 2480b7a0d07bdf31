import { useEffect, useState } from 'preact/hooks';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  ESCALATION_LEVELS,
  PRIORITIES,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  TICKET_SOURCES,
  TICKET_STATUSES,
  can,
} from '@kamflo/shared/constants';
import { useAppStore, useNow } from '../../app-context.tsx';
import { PriorityBadge, SourceBadge, StatusBadge } from '../../ui/badges.tsx';
import { Link } from '../../ui/Link.tsx';
import { LevelBadge, SlaClock } from './sla.tsx';
import { NewTicketForm } from './NewTicketForm.tsx';
import type { TicketFilter, TicketFilters } from './tickets.slice.ts';

/** Tickets a page at a time, most at risk of missing their first-response target first (or newest, or last updated). */
export function TicketList() {
  const tickets = useAppStore((s) => s.tickets);
  const filter = useAppStore((s) => s.ticketFilter);
  const filters = useAppStore((s) => s.ticketFilters);
  const loading = useAppStore((s) => s.ticketsLoading);
  const error = useAppStore((s) => s.ticketsError);
  const loadTickets = useAppStore((s) => s.loadTickets);
  const setTicketFilters = useAppStore((s) => s.setTicketFilters);
  const next = useAppStore((s) => s.ticketsNext);
  const loadingMore = useAppStore((s) => s.ticketsLoadingMore);
  const loadMore = useAppStore((s) => s.loadMoreTickets);
  const me = useAppStore((s) => s.agent);
  const now = useNow(30_000);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    void loadTickets();
  }, [loadTickets]);

  const pick =
    <K extends keyof TicketFilters>(key: K) =>
    (e: { currentTarget: HTMLSelectElement }) =>
      void setTicketFilters({ [key]: (e.currentTarget.value || undefined) as TicketFilters[K] } as TicketFilters);

  return (
    <section class="card tickets" aria-labelledby="tickets-title">
      <div class="toolbar">
        <h2 id="tickets-title" class="card-title">
          Tickets
        </h2>
        {!creating && (
          <button type="button" class="button primary" onClick={() => setCreating(true)}>
            New ticket
          </button>
        )}
      </div>
      {creating && <NewTicketForm onClose={() => setCreating(false)} />}
      <div class="toolbar filters" role="group" aria-label="Filters">
        <label class="inline-field">
          <span>Status</span>
          <select value={filter} onChange={(e) => void loadTickets(e.currentTarget.value as TicketFilter)}>
            <option value="all">All statuses</option>
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          <span>Priority</span>
          <select value={filters.priority ?? ''} onChange={pick('priority')}>
            <option value="">All priorities</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          <span>Level</span>
          <select value={filters.level ?? ''} onChange={pick('level')}>
            <option value="">All levels</option>
            {ESCALATION_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          <span>Category</span>
          <select value={filters.category ?? ''} onChange={pick('category')}>
            <option value="">All categories</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          <span>Source</span>
          <select value={filters.source ?? ''} onChange={pick('source')}>
            <option value="">All sources</option>
            {TICKET_SOURCES.map((s) => (
              <option key={s} value={s}>
                {SOURCE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          <span>Assignee</span>
          <select value={filters.assignee ?? ''} onChange={pick('assignee')}>
            <option value="">Anyone</option>
            {me && <option value={me.id}>Me</option>}
            <option value="none">Unassigned</option>
          </select>
        </label>
        <label class="inline-field">
          <span>Sort by</span>
          <select value={filters.sort ?? 'sla'} onChange={pick('sort')}>
            <option value="sla">SLA risk</option>
            <option value="newest">Newest</option>
            <option value="updated">Last updated</option>
          </select>
        </label>
        <label class="inline-field">
          <span>Queue</span>
          <select value={filters.queue ?? ''} onChange={pick('queue')}>
            <option value="">All tickets</option>
            <option value="past_due">Past due</option>
            {me && can(me.role, 'tickets.unaddressed') && <option value="unaddressed">Unaddressed</option>}
          </select>
        </label>
      </div>
      <p class="muted small" role="status">
        {loading ? 'Loading tickets…' : ''}
      </p>
      {error && (
        <p class="error" role="alert">
          Couldn't load tickets: {error}
        </p>
      )}
      {!loading && !error && tickets.length === 0 ? (
        <p class="empty">No tickets here.</p>
      ) : (
        <div class="table-wrap">
          <table class="ticket-table" aria-labelledby="tickets-title">
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Subject</th>
                <th scope="col">Priority</th>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Assignee</th>
                <th scope="col">First response</th>
                <th scope="col">Level</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link to={{ view: 'tickets', ticket: t.number }} class="ticket-number">
                      #{t.number}
                    </Link>
                  </td>
                  <td class="subject">
                    <Link to={{ view: 'tickets', ticket: t.number }} tabIndex={-1}>
                      {t.subject}
                    </Link>
                  </td>
                  <td>
                    <PriorityBadge priority={t.priority} />
                  </td>
                  <td>
                    <StatusBadge status={t.status} />
                  </td>
                  <td>
                    <SourceBadge source={t.source} />
                  </td>
                  <td>{t.assignee?.name ?? <span class="muted">Unassigned</span>}</td>
                  <td>
                    <SlaClock ticket={t} now={now} />
                  </td>
                  <td>
                    <LevelBadge level={t.level} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {next && (
            <button type="button" class="button ghost" disabled={loadingMore} onClick={() => void loadMore()}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
