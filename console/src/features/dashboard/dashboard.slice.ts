import type { DashboardCounts, TicketDto, WeeklyTicketsDto } from '@kamflo/shared';
import { errorMessage } from '../../lib/api.ts';
import type { SliceCreator } from '../../store.ts';

export interface DashboardState {
  counts: DashboardCounts | null;
  countsError: string | null;
  weekly: WeeklyTicketsDto | null;
  weeklyError: string | null;
  /** Tickets past their first-response target, most overdue first. */
  pastDue: TicketDto[];
  pastDueError: string | null;
}

export interface DashboardSlice extends DashboardState {
  loadCounts(): Promise<void>;
  /** Live counts from `dashboard:counts`. */
  setCounts(counts: DashboardCounts): void;
  loadWeekly(): Promise<void>;
  loadPastDue(): Promise<void>;
}

export function initialDashboardState(): DashboardState {
  return { counts: null, countsError: null, weekly: null, weeklyError: null, pastDue: [], pastDueError: null };
}

export const createDashboardSlice: SliceCreator<DashboardSlice> = (set, get, { api }) => ({
  ...initialDashboardState(),

  async loadCounts() {
    try {
      const counts = await api.call('GET /api/dashboard');
      // A live update may have arrived while the request was in flight; both are fresh enough.
      set({ counts, countsError: null });
    } catch (error) {
      if (!get().counts) set({ countsError: errorMessage(error) });
    }
  },

  setCounts: (counts) => set({ counts, countsError: null }),

  async loadWeekly() {
    try {
      set({ weekly: await api.call('GET /api/dashboard/weekly'), weeklyError: null });
    } catch (error) {
      set({ weeklyError: errorMessage(error) });
    }
  },

  async loadPastDue() {
    try {
      set({ pastDue: (await api.call('GET /api/tickets', { query: { queue: 'past_due', limit: '100' } })).tickets, pastDueError: null });
    } catch (error) {
      set({ pastDueError: errorMessage(error) });
    }
  },
});
