import type {
  AgentDto,
  ChainVerificationDto,
  CreateTicketInput,
  DeliveryDto,
  EmailStatusDto,
  EscalateTicketInput,
  SavedViewDto,
  SavedViewQuery,
  SlaSettingsDto,
  TicketDetailDto,
  TicketDto,
  TicketEventDto,
} from '@kamflo/shared';
import type { AlertRule, Category, EscalationLevel, Priority, TicketSource, TicketStatus } from '@kamflo/shared/constants';
import type { TicketSort } from '@kamflo/shared';
import { ApiError, errorMessage } from '../../lib/api.ts';
import type { ActionResult, SliceCreator } from '../../store.ts';

export type TicketFilter = TicketStatus | 'all';

/** The list's other filters (the server validates them); empty means any. */
export interface TicketFilters {
  priority?: Priority;
  level?: EscalationLevel;
  source?: TicketSource;
  category?: Category;
  /** An agent id, or "none" for unassigned. */
  assignee?: string;
  /** unaddressed: team leads and above; past_due: everyone. */
  queue?: 'unaddressed' | 'past_due';
  /** The order (the server's default is sla); a search ranks by relevance instead. */
  sort?: TicketSort;
  tag?: string;
  /** Search words, or #number. */
  q?: string;
}

/** Whether a ticket belongs in a list with these filters (for live updates). */
export function matchesFilters(t: TicketDto, filters: TicketFilters, now: number): boolean {
  if (filters.priority && t.priority !== filters.priority) return false;
  if (filters.level && t.level !== filters.level) return false;
  if (filters.source && t.source !== filters.source) return false;
  if (filters.category && t.category !== filters.category) return false;
  if (filters.assignee && (filters.assignee === 'none' ? t.assignee : t.assignee?.id !== filters.assignee)) return false;
  if (filters.tag && !t.tags?.includes(filters.tag)) return false;
  if (filters.queue) {
    const pastDue = (t.status === 'open' || t.status === 'in_progress') && !t.firstResponseAt && Date.parse(t.slaDueAt) < now;
    if (!pastDue) return false;
  }
  return true;
}

export interface TicketsState {
  tickets: TicketDto[];
  /** The cursor of the next page, when there is one. */
  ticketsNext: string | null;
  ticketsLoadingMore: boolean;
  ticketFilter: TicketFilter;
  ticketFilters: TicketFilters;
  ticketsLoading: boolean;
  /** Everyone who can be assigned a ticket. */
  agents: AgentDto[];
  /** Admin settings: SLA windows (hours) and alert rules. */
  slaSettings: SlaSettingsDto | null;
  alertRules: AlertRule[] | null;
  ticketsError: string | null;
  /** The open ticket, once loaded. */
  detail: TicketDetailDto | null;
  /** Which ticket the detail view is showing or loading. */
  detailNumber: number | null;
  detailLoading: boolean;
  detailError: string | null;
  /** The email channel's configuration and health (settings). */
  emailStatus: EmailStatusDto | null;
  /** The current list is a search whose words are each in more tickets than a search reads. */
  ticketsPartial: boolean;
  /** Your saved views and the shared ones (null until loaded). */
  savedViews: SavedViewDto[] | null;
  savedViewsError: string | null;
}

export interface TicketsSlice extends TicketsState {
  loadTickets(filter?: TicketFilter): Promise<void>;
  /** Appends the next page of the current list. */
  loadMoreTickets(): Promise<void>;
  /** Shows a ticket (the view loads it). */
  openTicket(number: number): void;
  loadTicket(number: number, options?: { quiet?: boolean }): Promise<void>;
  /** Live `ticket:updated`. */
  ticketUpdated(ticket: TicketDto): void;
  reply(number: number, text: string): Promise<ActionResult>;
  addNote(number: number, text: string): Promise<ActionResult>;
  resolve(number: number, closingMessage: string): Promise<ActionResult>;
  /** Changes the non-status filters (merged) and reloads. */
  setTicketFilters(filters: TicketFilters): Promise<void>;
  setTags(number: number, change: { add?: string[]; remove?: string[] }): Promise<ActionResult>;
  loadSavedViews(): Promise<void>;
  /** Saves the list's current status and filters as a view. */
  saveView(name: string, shared: boolean): Promise<ActionResult>;
  deleteView(id: string): Promise<ActionResult>;
  /** Shows the list with a view's filters (assignee "me" is the signed-in agent). */
  applyView(view: SavedViewDto): Promise<void>;
  loadAgents(): Promise<void>;
  createTicket(input: CreateTicketInput): Promise<ActionResult<TicketDto>>;
  setStatus(number: number, to: TicketStatus, reason?: string): Promise<ActionResult>;
  assign(number: number, agentId: string): Promise<ActionResult>;
  setPriority(number: number, priority: Priority): Promise<ActionResult>;
  setCategory(number: number, category: Category): Promise<ActionResult>;
  escalate(number: number, input: EscalateTicketInput): Promise<ActionResult>;
  requestApproval(number: number, reason: string): Promise<ActionResult>;
  approve(number: number, note?: string): Promise<ActionResult>;
  /** Admins: recompute the ticket's hash chain. */
  verifyHistory(number: number): Promise<ActionResult<ChainVerificationDto>>;
  /** The events before the detail's latest ones (seq 1 … `before`), oldest first. */
  loadEarlierEvents(number: number, before: number): Promise<ActionResult<TicketEventDto[]>>;
  loadTicketSettings(): Promise<ActionResult>;
  saveSlaSettings(settings: SlaSettingsDto): Promise<ActionResult>;
  saveAlertRules(rules: AlertRule[]): Promise<ActionResult>;
  /** Live `delivery:updated`: a customer-facing message's delivery changed state. */
  deliveryUpdated(update: { ticketNumber: number; delivery: DeliveryDto }): void;
  /** Send a failed delivery again. */
  retryDelivery(number: number, deliveryId: string): Promise<ActionResult>;
  loadEmailStatus(): Promise<ActionResult>;
  setAcknowledge(on: boolean): Promise<ActionResult>;
}

/** Puts a delivery into a ticket detail (newer state wins). */
export function upsertDelivery(list: readonly DeliveryDto[] = [], d: DeliveryDto): DeliveryDto[] {
  const i = list.findIndex((x) => x.id === d.id);
  if (i === -1) return [...list, d];
  if (Date.parse(list[i]!.updatedAt) > Date.parse(d.updatedAt)) return [...list];
  const next = [...list];
  next[i] = d;
  return next;
}

export function initialTicketsState(): TicketsState {
  return {
    tickets: [],
    ticketsNext: null,
    ticketsLoadingMore: false,
    ticketFilter: 'all',
    ticketFilters: {},
    ticketsLoading: false,
    agents: [],
    slaSettings: null,
    alertRules: null,
    ticketsError: null,
    detail: null,
    detailNumber: null,
    detailLoading: false,
    detailError: null,
    emailStatus: null,
    ticketsPartial: false,
    savedViews: null,
    savedViewsError: null,
  };
}

/** The list fields of a detail (drops transcript, events and what is joined to them). */
export function toTicket({ transcript: _t, events: _e, deliveries: _d, emails: _m, reach: _r, ...ticket }: TicketDetailDto): TicketDto {
  return ticket;
}

/**
 * Puts a changed ticket into the list. Known tickets keep their place (the server ranks by SLA risk);
 * a new one goes before the first ticket due later than it. A ticket the filter excludes leaves.
 */
export function upsertTicket(list: readonly TicketDto[], ticket: TicketDto, filter: TicketFilter, filters: TicketFilters = {}, now = Date.now()): TicketDto[] {
  const rest = list.filter((t) => t.id !== ticket.id);
  if (filter !== 'all' && ticket.status !== filter) return rest;
  if (!matchesFilters(ticket, filters, now)) return rest;
  const index = list.findIndex((t) => t.id === ticket.id);
  // A search's results are the server's ranking: known ones change in place, others don't join.
  if (filters.q) {
    if (index === -1) return [...list];
    const next = [...list];
    next[index] = ticket;
    return next;
  }
  if (index !== -1 && filters.sort === 'updated') return [ticket, ...rest];
  if (index !== -1) {
    const next = [...list];
    next[index] = ticket;
    return next;
  }
  if (filters.sort === 'newest' || filters.sort === 'updated') return [ticket, ...rest];
  const due = Date.parse(ticket.slaDueAt);
  const at = rest.findIndex((t) => Date.parse(t.slaDueAt) > due);
  return at === -1 ? [...rest, ticket] : [...rest.slice(0, at), ticket, ...rest.slice(at)];
}

export const createTicketsSlice: SliceCreator<TicketsSlice> = (set, get, { api, now }) => {
  /** Applies a fresh detail from the server to both the view and the list. */
  const applyDetail = (detail: TicketDetailDto) =>
    set((s) => ({
      detail: s.detailNumber === detail.number ? detail : s.detail,
      tickets: upsertTicket(s.tickets, toTicket(detail), s.ticketFilter, s.ticketFilters, now()),
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
      const filters = get().ticketFilters;
      const current = () => get().ticketFilter === filter && get().ticketFilters === filters;
      try {
        const page = await api.call('GET /api/tickets', {
          query: { status: filter === 'all' ? undefined : filter, ...filters },
        });
        if (current()) set({ tickets: page.tickets, ticketsNext: page.next ?? null, ticketsLoading: false, ticketsPartial: !!page.partial });
      } catch (error) {
        if (current()) set({ ticketsLoading: false, ticketsError: errorMessage(error) });
      }
    },

    async loadMoreTickets() {
      const { ticketFilter: filter, ticketFilters: filters, ticketsNext: cursor } = get();
      if (!cursor || get().ticketsLoadingMore) return;
      set({ ticketsLoadingMore: true, ticketsError: null });
      const current = () => get().ticketFilter === filter && get().ticketFilters === filters && get().ticketsNext === cursor;
      try {
        const page = await api.call('GET /api/tickets', {
          query: { status: filter === 'all' ? undefined : filter, ...filters, cursor },
        });
        if (!current()) return;
        // A ticket that moved since the first page may come again: keep one copy.
        const known = new Set(get().tickets.map((t) => t.id));
        set({ tickets: [...get().tickets, ...page.tickets.filter((t) => !known.has(t.id))], ticketsNext: page.next ?? null });
      } catch (error) {
        if (current()) set({ ticketsError: errorMessage(error) });
      } finally {
        set({ ticketsLoadingMore: false });
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
      set((s) => ({ tickets: upsertTicket(s.tickets, ticket, s.ticketFilter, s.ticketFilters, now()) }));
      if (detail && detail.id === ticket.id && Date.parse(ticket.updatedAt) > Date.parse(detail.updatedAt)) {
        // The header can change now; new timeline entries need the full ticket.
        set({ detail: { ...detail, ...ticket } });
        void get().loadTicket(ticket.number, { quiet: true });
      }
    },

    reply: (number, text) => act(() => api.call('POST /api/tickets/:number/replies', { params: { number }, body: { text } })),
    addNote: (number, text) => act(() => api.call('POST /api/tickets/:number/notes', { params: { number }, body: { text } })),
    resolve: (number, closingMessage) => act(() => api.call('POST /api/tickets/:number/resolve', { params: { number }, body: { closingMessage } })),

    async setTicketFilters(filters) {
      const merged: TicketFilters = { ...get().ticketFilters, ...filters };
      for (const key of Object.keys(merged) as (keyof TicketFilters)[]) if (!merged[key]) delete merged[key];
      set({ ticketFilters: merged });
      await get().loadTickets();
    },

    setTags: (number, change) =>
      act(() => api.call('POST /api/tickets/:number/tags', { params: { number }, body: { add: change.add ?? [], remove: change.remove ?? [] } })),

    async loadSavedViews() {
      try {
        set({ savedViews: await api.call('GET /api/views'), savedViewsError: null });
      } catch (error) {
        set({ savedViewsError: errorMessage(error) });
      }
    },

    async saveView(name, shared) {
      const { ticketFilter, ticketFilters } = get();
      const me = get().agent;
      const { assignee, ...rest } = ticketFilters;
      const query: SavedViewQuery = {
        ...rest,
        ...(ticketFilter !== 'all' ? { status: ticketFilter } : {}),
        ...(assignee ? { assignee: me && assignee === me.id ? 'me' : assignee } : {}),
      };
      try {
        const view = await api.call('POST /api/views', { body: { name, shared, query } });
        set((s) => ({ savedViews: [...(s.savedViews ?? []), view] }));
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },

    async deleteView(id) {
      try {
        await api.call('DELETE /api/views/:id', { params: { id } });
        set((s) => ({ savedViews: (s.savedViews ?? []).filter((v) => v.id !== id) }));
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },

    async applyView(view) {
      const { status, assignee, ...rest } = view.query;
      const me = get().agent;
      const filters: TicketFilters = { ...rest, ...(assignee ? { assignee: assignee === 'me' ? (me?.id ?? 'none') : assignee } : {}) };
      set({ ticketFilters: filters });
      await get().loadTickets(status ?? 'all');
    },

    async loadAgents() {
      try {
        set({ agents: await api.call('GET /api/agents') });
      } catch {
        // The assign control then offers only "me".
      }
    },

    async createTicket(input) {
      try {
        const ticket = await api.call('POST /api/tickets', { body: input });
        set((s) => ({ tickets: upsertTicket(s.tickets, ticket, s.ticketFilter, s.ticketFilters, now()) }));
        return { ok: true, data: ticket };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    setStatus: (number, to, reason) => act(() => api.call('POST /api/tickets/:number/status', { params: { number }, body: reason ? { to, reason } : { to } })),
    assign: (number, agentId) => act(() => api.call('POST /api/tickets/:number/assign', { params: { number }, body: { agentId } })),
    setPriority: (number, priority) => act(() => api.call('POST /api/tickets/:number/priority', { params: { number }, body: { priority } })),
    setCategory: (number, category) => act(() => api.call('POST /api/tickets/:number/category', { params: { number }, body: { category } })),
    async escalate(number, input) {
      try {
        applyDetail(await api.call('POST /api/tickets/:number/escalate', { params: { number }, body: input }));
        return { ok: true, data: undefined };
      } catch (error) {
        // The server's message names every missing checklist item in words.
        return { ok: false, message: error instanceof ApiError ? error.message : errorMessage(error) };
      }
    },
    requestApproval: (number, reason) => act(() => api.call('POST /api/tickets/:number/needs-approval', { params: { number }, body: { reason } })),
    async loadEarlierEvents(number, before) {
      try {
        const events: TicketEventDto[] = [];
        for (let after = 0; after < before; ) {
          const limit = Math.min(500, before - after);
          const page = await api.call('GET /api/tickets/:number/events', { params: { number }, query: { after: String(after), limit: String(limit) } });
          events.push(...page.items);
          if (!page.items.length) break;
          after = page.items.at(-1)!.seq;
        }
        return { ok: true, data: events };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },

    async verifyHistory(number) {
      try {
        return { ok: true, data: await api.call('GET /api/admin/tickets/:number/verify', { params: { number } }) };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    async loadTicketSettings() {
      try {
        const [slaSettings, { rules }] = await Promise.all([api.call('GET /api/settings/sla'), api.call('GET /api/settings/alert-rules')]);
        set({ slaSettings, alertRules: rules });
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    async saveSlaSettings(settings) {
      try {
        set({ slaSettings: await api.call('PUT /api/settings/sla', { body: settings }) });
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    async saveAlertRules(rules) {
      try {
        set({ alertRules: (await api.call('PUT /api/settings/alert-rules', { body: { rules } })).rules });
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    deliveryUpdated({ ticketNumber, delivery }) {
      const { detail } = get();
      if (detail?.number !== ticketNumber) return;
      set({ detail: { ...detail, deliveries: upsertDelivery(detail.deliveries, delivery) } });
    },
    async retryDelivery(number, deliveryId) {
      try {
        const delivery = await api.call('POST /api/tickets/:number/deliveries/:id/retry', { params: { number, id: deliveryId } });
        get().deliveryUpdated({ ticketNumber: number, delivery });
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    async loadEmailStatus() {
      try {
        set({ emailStatus: await api.call('GET /api/settings/email') });
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    async setAcknowledge(on) {
      try {
        set({ emailStatus: await api.call('PUT /api/settings/email', { body: { acknowledge: on } }) });
        return { ok: true, data: undefined };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
    approve: (number, note) => act(() => api.call('POST /api/tickets/:number/approve', { params: { number }, body: note ? { note } : {} })),
  };
};
