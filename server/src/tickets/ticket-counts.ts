import { lastIsoWeeks, type DashboardCounts, type WeeklyTicketsDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Notifier } from '../realtime/notify.ts';
import type { TicketStore } from './ticket-store.ts';

/** The dashboard's counts, pushed to every agent after changes, and the weekly report. */
export function createTicketCounts(deps: { store: TicketStore; clock: Clock; notify: Notifier }) {
  const { store, clock, notify } = deps;
  const { Ticket } = store;

  async function counts(): Promise<DashboardCounts> {
    const [highPriority, open, inProgress, resolved] = await Promise.all([
      Ticket.countDocuments({ priority: { $in: ['critical', 'high'] }, status: { $in: ['open', 'in_progress'] } }),
      Ticket.countDocuments({ status: 'open' }),
      Ticket.countDocuments({ status: 'in_progress' }),
      Ticket.countDocuments({ status: 'resolved' }),
    ]);
    return { highPriority, open, inProgress, resolved };
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

  /** Opened vs resolved per ISO week, the last 8 weeks, from the stored week keys. */
  async function weekly(): Promise<WeeklyTicketsDto> {
    const weeks = lastIsoWeeks(clock.now(), 8);
    const count = async (field: 'openedWeek' | 'resolvedWeek') => {
      const rows = await Ticket.aggregate<{ _id: string; n: number }>([
        { $match: { [field]: { $in: weeks } } },
        { $group: { _id: `$${field}`, n: { $sum: 1 } } },
      ]);
      return new Map(rows.map((r) => [r._id, r.n]));
    };
    const [opened, resolved] = await Promise.all([count('openedWeek'), count('resolvedWeek')]);
    return { weeks: weeks.map((week) => ({ week, opened: opened.get(week) ?? 0, resolved: resolved.get(week) ?? 0 })) };
  }

  return { counts, weekly };
}
export type TicketCounts = ReturnType<typeof createTicketCounts>;
