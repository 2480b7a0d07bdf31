import { lastIsoWeeks, type DashboardCounts, type WeeklyTicketsDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Notifier } from '../realtime/notify.ts';
import type { TicketStore } from './ticket-store.ts';
import type { TicketTallies } from './ticket-tallies.ts';

/** The dashboard's counts, pushed to every agent after changes, and the weekly report. */
export function createTicketCounts(deps: { store: TicketStore; tallies: TicketTallies; clock: Clock; notify: Notifier }) {
  const { store, tallies, clock, notify } = deps;

  /** From the running tallies (ticket-tallies.ts): one small read, whatever the number of tickets. */
  async function counts(): Promise<DashboardCounts> {
    const t = await tallies.read(['high-active', 'status:open', 'status:in_progress', 'status:resolved']);
    return { highPriority: t.get('high-active')!, open: t.get('status:open')!, inProgress: t.get('status:in_progress')!, resolved: t.get('status:resolved')! };
  }

  let countsTimer: NodeJS.Timeout | undefined;
  /** Coalesce bursts of changes into one counts broadcast. */
  function publishCounts(): Promise<void> {
    if (countsTimer) return Promise.resolve();
    return new Promise((resolve) => {
      countsTimer = setTimeout(() => {
        countsTimer = undefined;
        counts()
          .then((c) => notify.allAgents('dashboard:counts', c))
          .catch(() => {})
          .finally(resolve);
      }, 50);
    });
  }
  store.onPublished(() => void publishCounts());

  /** Opened vs resolved per ISO week, the last 8 weeks, from the weekly tallies. */
  async function weekly(): Promise<WeeklyTicketsDto> {
    const weeks = lastIsoWeeks(clock.now(), 8);
    const t = await tallies.read(weeks.flatMap((w) => [`opened:${w}`, `resolved:${w}`]));
    return { weeks: weeks.map((week) => ({ week, opened: t.get(`opened:${week}`)!, resolved: t.get(`resolved:${week}`)! })) };
  }

  return { counts, weekly };
}
export type TicketCounts = ReturnType<typeof createTicketCounts>;
