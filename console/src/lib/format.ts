const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad = (n: number) => String(n).padStart(2, '0');

/** How long someone has waited: "12s", "1m 05s", "1h 02m". */
export function formatWait(ms: number): string {
  const total = Math.max(0, Math.floor(ms / SECOND));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${pad(total % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
}

/** A coarse duration for SLA clocks: "2d 4h", "2h 10m", "35m", "<1m". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return '<1m';
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)}m`;
  if (abs < DAY) return `${Math.floor(abs / HOUR)}h ${pad(Math.floor((abs % HOUR) / MINUTE))}m`;
  return `${Math.floor(abs / DAY)}d ${Math.floor((abs % DAY) / HOUR)}h`;
}

export type SlaState = 'answered' | 'ok' | 'soon' | 'overdue';

/** First-response SLA as text and a risk level, from `slaRemainingMs` (null once answered). */
export function describeSla(remainingMs: number | null): { text: string; state: SlaState } {
  if (remainingMs === null) return { text: 'answered', state: 'answered' };
  if (remainingMs < 0) return { text: `${formatDuration(remainingMs)} overdue`, state: 'overdue' };
  return { text: `${formatDuration(remainingMs)} left`, state: remainingMs < HOUR ? 'soon' : 'ok' };
}

/** Clock time for a message, e.g. "14:05". */
export function formatClock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Date and time for a timeline entry. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}
