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

/** The saved views (yours, then shared ones) with their counts; applying one sets the list's filters. */
function SavedViews() {
  const views = useAppStore((s) => s.savedViews);
  const error = useAppStore((s) => s.savedViewsError);
  const load = useAppStore((s) => s.loadSavedViews);
  const apply = useAppStore((s) => s.applyView);
  const save = useAppStore((s) => s.saveView);
  const remove = useAppStore((s) => s.deleteView);
  const me = useAppStore((s) => s.agent);
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <nav class="saved-views" aria-labelledby="saved-views-title">
      <h3 id="saved-views-title" class="small-title">
        Saved views
      </h3>
      {error && <p class="muted small">Couldn't load saved views: {error}</p>}
      {views && views.length === 0 && <p class="muted small">No saved views yet.</p>}
      {views && views.length > 0 && (
        <ul class="view-list">
          {views.map((v) => (
            <li key={v.id}>
              <button type="button" class="button ghost" onClick={() => void apply(v)}>
                {v.name} <span class="count">{v.more ? `${v.count}+` : v.count}</span>
              </button>
              {v.shared && <span class="badge">Shared{String(v.owner.id) !== me?.id ? ` by ${v.owner.name}` : ''}</span>}
              {v.canDelete && (
                <button
                  type="button"
                  class="button ghost small"
                  aria-label={`Delete view ${v.name}`}
                  onClick={async () => {
                    const r = await remove(v.id);
                    setProblem(r.ok ? null : r.message);
                  }}
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!saving ? (
        <button type="button" class="button" onClick={() => setSaving(true)}>
          Save view
        </button>
      ) : (
        <form
          class="save-view"
          aria-label="Save view"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await save(name.trim(), shared);
            if (r.ok) {
              setSaving(false);
              setName('');
              setShared(false);
              setProblem(null);
            } else setProblem(r.message);
          }}
        >
          <label class="inline-field">
            <span>View name</span>
            <input type="text" required maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          {me && can(me.role, 'views.share') && (
            <label class="inline-field">
              <input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
              <span>Share with the team</span>
            </label>
          )}
          <button type="submit" class="button primary">
            Save
          </button>
          <button type="button" class="button ghost" onClick={() => setSaving(false)}>
            Cancel
          </button>
        </form>
      )}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </nav>
  );
}

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
  const partial = useAppStore((s) => s.ticketsPartial);
  const now = useNow(30_000);
  const [creating, setCreating] = useState(false);
  const [query, setQuery] = useState(filters.q ?? '');
  const [tag, setTag] = useState(filters.tag ?? '');

  useEffect(() => {
    void loadTickets();
  }, [loadTickets]);
  // A saved view applied elsewhere changes the filters: the boxes follow.
  useEffect(() => {
    setQuery(filters.q ?? '');
    setTag(filters.tag ?? '');
  }, [filters.q, filters.tag]);

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
      <SavedViews />
      <form
        class="toolbar ticket-search"
        role="search"
        aria-label="Ticket search"
        onSubmit={(e) => {
          e.preventDefault();
          void setTicketFilters({ q: query.trim() || undefined, tag: tag.trim().toLowerCase() || undefined });
        }}
      >
        <input
          type="search"
          aria-label="Search tickets"
          placeholder="Search tickets: words or #number"
          value={query}
          maxLength={200}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <label class="inline-field">
          <span>Tag</span>
          <input type="text" value={tag} maxLength={32} onInput={(e) => setTag(e.currentTarget.value)} />
        </label>
        <button type="submit" class="button">
          Search
        </button>
      </form>
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
          <select
            value={filters.sort ?? 'sla'}
            onChange={pick('sort')}
            disabled={!!filters.q}
            title={filters.q ? 'Search results are ranked by relevance' : undefined}
          >
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
        {loading ? 'Loading tickets…' : filters.q ? 'Search results, most relevant first.' : ''}
      </p>
      {partial && !loading && (
        <p class="muted small">Every word of this search is in very many tickets: these results are among the newest of them. Add a word to narrow it.</p>
      )}
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
