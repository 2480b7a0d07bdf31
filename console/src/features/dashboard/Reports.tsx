import { useEffect } from 'preact/hooks';
import type { WeeklyTicketsDto } from '@kamflo/shared';
import { useAppStore, useNow } from '../../app-context.tsx';
import { Link } from '../../ui/Link.tsx';
import { PriorityBadge } from '../../ui/badges.tsx';
import { LevelBadge, SlaClock } from '../tickets/sla.tsx';
import { Deflection } from './Deflection.tsx';

/** Below the ticket list: tickets past their first-response target, opened vs resolved per week, Help Center deflection. */
export function Reports() {
  const loadWeekly = useAppStore((s) => s.loadWeekly);
  const loadPastDue = useAppStore((s) => s.loadPastDue);
  useEffect(() => {
    void loadWeekly();
    void loadPastDue();
  }, [loadWeekly, loadPastDue]);
  return (
    <div class="reports">
      <PastDue />
      <Weekly />
      <Deflection />
    </div>
  );
}

export function PastDue() {
  const pastDue = useAppStore((s) => s.pastDue);
  const error = useAppStore((s) => s.pastDueError);
  const reload = useAppStore((s) => s.loadPastDue);
  const now = useNow(30_000);
  return (
    <section class="card past-due" aria-labelledby="past-due-title">
      <div class="toolbar">
        <h2 id="past-due-title" class="card-title">
          Past due
        </h2>
        <button type="button" class="button ghost small" onClick={() => void reload()}>
          Refresh past due
        </button>
      </div>
      {error && <p class="error">Couldn't load past-due tickets: {error}</p>}
      {pastDue.length === 0 ? (
        <p class="empty">Nothing is past due.</p>
      ) : (
        <ul class="past-due-list">
          {pastDue.map((t) => (
            <li key={t.id}>
              <Link to={{ view: 'tickets', ticket: t.number }}>{`Ticket #${t.number}: ${t.subject}`}</Link> <PriorityBadge priority={t.priority} />{' '}
              <LevelBadge level={t.level} /> <SlaClock ticket={t} now={now} /> <span class="muted">{t.assignee?.name ?? 'Unassigned'}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Weekly() {
  const weekly = useAppStore((s) => s.weekly);
  const error = useAppStore((s) => s.weeklyError);
  return (
    <section class="card weekly" aria-labelledby="weekly-title">
      <h2 id="weekly-title" class="card-title">
        Opened vs resolved per week
      </h2>
      {error && <p class="error">Couldn't load the weekly counts: {error}</p>}
      {weekly && weekly.weeks.length > 0 && (
        <>
          <WeeklyChart weeks={weekly.weeks} />
          <table class="weekly-table" aria-labelledby="weekly-title">
            <thead>
              <tr>
                <th scope="col">Week</th>
                <th scope="col">Opened</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {weekly.weeks.map((w) => (
                <tr key={w.week}>
                  <th scope="row">{w.week}</th>
                  <td>{w.opened}</td>
                  <td>{w.resolved}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Paired bars per week; the table below carries the same data for screen readers. */
function WeeklyChart({ weeks }: { weeks: WeeklyTicketsDto['weeks'] }) {
  const max = Math.max(1, ...weeks.flatMap((w) => [w.opened, w.resolved]));
  const W = 40;
  const H = 100;
  return (
    <svg class="weekly-chart" role="img" aria-labelledby="weekly-chart-title" viewBox={`0 0 ${weeks.length * W} ${H + 16}`} width="100%" height="140">
      <title id="weekly-chart-title">Tickets opened vs resolved per ISO week, last {weeks.length} weeks</title>
      {weeks.map((w, i) => {
        const o = (w.opened / max) * H;
        const r = (w.resolved / max) * H;
        return (
          <g key={w.week}>
            <rect class="bar-opened" x={i * W + 6} y={H - o} width={13} height={o}>
              <title>{`${w.week}: ${w.opened} opened`}</title>
            </rect>
            <rect class="bar-resolved" x={i * W + 21} y={H - r} width={13} height={r}>
              <title>{`${w.week}: ${w.resolved} resolved`}</title>
            </rect>
            <text x={i * W + W / 2} y={H + 12} text-anchor="middle" font-size="9">
              {w.week.slice(-3)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
