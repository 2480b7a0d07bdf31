import type { DashboardCounts } from '@kamflo/shared';
import { errorMessage } from '../../lib/api.ts';
import type { SliceCreator } from '../../store.ts';

export interface DashboardState {
  counts: DashboardCounts | null;
  countsError: string | null;
}

export interface DashboardSlice extends DashboardState {
  loadCounts(): Promise<void>;
  /** Live counts from `dashboard:counts`. */
  setCounts(counts: DashboardCounts): void;
}

export function initialDashboardState(): DashboardState {
  return { counts: null, countsError: null };
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
});
