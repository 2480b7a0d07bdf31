import { useEffect } from 'preact/hooks';
import { STATUS_LABELS, TICKET_STATUSES } from '@kamflo/shared/constants';
import { useAppStore, useNow } from '../../app-context.tsx';
import { PriorityBadge, SourceBadge, StatusBadge } from '../../ui/badges.tsx';
import { Link } from '../../ui/Link.tsx';
import { SlaClock } from './sla.tsx';
import type { TicketFilter } from './tickets.slice.ts';

/** All tickets, most at risk of missing their first-response target first (the server's order). */
export function TicketList() {
  const tickets = useAppStore((s) => s.tickets);
  const filter = useAppStore((s) => s.ticketFilter);
  const loading = useAppStore((s) => s.ticketsLoading);
  const error = useAppStore((s) => s.ticketsError);
  const loadTickets = useAppStore((s) => s.loadTickets);
  const now = useNow(30_000);

  useEffect(() => {
    void loadTickets();
  }, [loadTickets]);

  return (
    <section class="card tickets" aria-labelledby="tickets-title">
      <div class="toolbar">
        <h2 id="tickets-title" class="card-title">
          Tickets
        </h2>
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
                  <td class="subject">{t.subject}</td>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
