import type { TicketDetailDto, TicketDto } from '@kamflo/shared';
import type { TicketStatus } from '@kamflo/shared/constants';
import { errorMessage } from '../../lib/api.ts';
import type { ActionResult, SliceCreator } from '../../store.ts';

export type TicketFilter = TicketStatus | 'all';

export interface TicketsState {
  tickets: TicketDto[];
  ticketFilter: TicketFilter;
  ticketsLoading: boolean;
  ticketsError: string | null;
  /** The open ticket, once loaded. */
  detail: TicketDetailDto | null;
  /** Which ticket the detail view is showing or loading. */
  detailNumber: number | null;
  detailLoading: boolean;
  detailError: string | null;
}

export interface TicketsSlice extends TicketsState {
  loadTickets(filter?: TicketFilter): Promise<void>;
  /** Shows a ticket (the view loads it). */
  openTicket(number: number): void;
  loadTicket(number: number, options?: { quiet?: boolean }): Promise<void>;
  /** Live `ticket:updated`. */
  ticketUpdated(ticket: TicketDto): void;
  reply(number: number, text: string): Promise<ActionResult>;
  addNote(number: number, text: string): Promise<ActionResult>;
  resolve(number: number, closingMessage: string): Promise<ActionResult>;
}

export function initialTicketsState(): TicketsState {
  return {
    tickets: [],
    ticketFilter: 'all',
    ticketsLoading: false,
    ticketsError: null,
    detail: null,
    detailNumber: null,
    detailLoading: false,
    detailError: null,
  };
}

/** The list fields of a detail (drops transcript and events). */
export function toTicket({ transcript: _t, events: _e, ...ticket }: TicketDetailDto): TicketDto {
  return ticket;
}

/**
 * Puts a changed ticket into the list. Known tickets keep their place (the server ranks by SLA risk);
 * a new one goes before the first ticket due later than it. A ticket the filter excludes leaves.
 */
export function upsertTicket(list: readonly TicketDto[], ticket: TicketDto, filter: TicketFilter): TicketDto[] {
  const rest = list.filter((t) => t.id !== ticket.id);
  if (filter !== 'all' && ticket.status !== filter) return rest;
  const index = list.findIndex((t) => t.id === ticket.id);
  if (index !== -1) {
    const next = [...list];
    next[index] = ticket;
    return next;
  }
  const due = Date.parse(ticket.slaDueAt);
  const at = rest.findIndex((t) => Date.parse(t.slaDueAt) > due);
  return at === -1 ? [...rest, ticket] : [...rest.slice(0, at), ticket, ...rest.slice(at)];
}

export const createTicketsSlice: SliceCreator<TicketsSlice> = (set, get, { api }) => {
  /** Applies a fresh detail from the server to both the view and the list. */
  const applyDetail = (detail: TicketDetailDto) =>
    set((s) => ({
      detail: s.detailNumber === detail.number ? detail : s.detail,
      tickets: upsertTicket(s.tickets, toTicket(detail), s.ticketFilter),
    }));

  const act = async (run: () => Promise<TicketDetailDto>): Promise<ActionResult> => {
    try {
      applyDetail(await run());
      return { ok: true, data: undefined };
    } catch (error) {
      return { ok: false, message: errorMessage(error) };
    }
  };

  return {
    ...initialTicketsState(),

    async loadTickets(filter = get().ticketFilter) {
      set({ ticketFilter: filter, ticketsLoading: true, ticketsError: null });
      try {
        const tickets = await api.call('GET /api/tickets', {
          query: { status: filter === 'all' ? undefined : filter },
        });
        if (get().ticketFilter === filter) set({ tickets, ticketsLoading: false });
      } catch (error) {
        if (get().ticketFilter === filter) set({ ticketsLoading: false, ticketsError: errorMessage(error) });
      }
    },

    openTicket(number) {
      get().navigate({ view: 'tickets', ticket: number });
    },

    async loadTicket(number, { quiet = false } = {}) {
      const same = get().detail?.number === number;
      set({
        detailNumber: number,
        detailError: null,
        detailLoading: !quiet,
        detail: same ? get().detail : null,
      });
      try {
        const detail = await api.call('GET /api/tickets/:number', { params: { number } });
        if (get().detailNumber === number) set({ detail, detailLoading: false });
      } catch (error) {
        if (get().detailNumber === number) set({ detailLoading: false, detailError: errorMessage(error) });
      }
    },

    ticketUpdated(ticket) {
      const { detail } = get();
      set((s) => ({ tickets: upsertTicket(s.tickets, ticket, s.ticketFilter) }));
      if (detail && detail.id === ticket.id && Date.parse(ticket.updatedAt) > Date.parse(detail.updatedAt)) {
        // The header can change now; new timeline entries need the full ticket.
        set({ detail: { ...detail, ...ticket } });
        void get().loadTicket(ticket.number, { quiet: true });
      }
    },

    reply: (number, text) =>
      act(() => api.call('POST /api/tickets/:number/replies', { params: { number }, body: { text } })),
    addNote: (number, text) =>
      act(() => api.call('POST /api/tickets/:number/notes', { params: { number }, body: { text } })),
    resolve: (number, closingMessage) =>
      act(() => api.call('POST /api/tickets/:number/resolve', { params: { number }, body: { closingMessage } })),
  };
};
