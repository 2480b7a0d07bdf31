import type { DashboardCounts } from '@kamflo/shared';
import { useAppStore } from '../../app-context.tsx';

const COUNTS: { key: keyof DashboardCounts; label: string; tone: string }[] = [
  { key: 'highPriority', label: 'High Priority', tone: 'high' },
  { key: 'open', label: 'Open', tone: 'open' },
  { key: 'inProgress', label: 'In Progress', tone: 'progress' },
  { key: 'resolved', label: 'Resolved', tone: 'resolved' },
];

/** The four ticket counts from the handbook, live from `dashboard:counts`. */
export function Dashboard() {
  const counts = useAppStore((s) => s.counts);
  const error = useAppStore((s) => s.countsError);
  return (
    <section class="dashboard" aria-label="Dashboard">
      {COUNTS.map(({ key, label, tone }) => (
        <div key={key} class={`count-card tone-${tone}`} role="group" aria-labelledby={`count-${key}`}>
          <span id={`count-${key}`} class="count-label">
            {label}
          </span>
          <span class="count-value">{counts ? counts[key] : '–'}</span>
        </div>
      ))}
      {error && (
        <p class="error" role="alert">
          Couldn't load the counts: {error}
        </p>
      )}
    </section>
  );
}
