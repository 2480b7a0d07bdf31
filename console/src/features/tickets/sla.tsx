import type { TicketDto } from '@kamflo/shared';
import { LEVEL_LABELS, slaRemainingMs, type EscalationLevel } from '@kamflo/shared/constants';
import { describeSla } from '../../lib/format.ts';

/** Time left (or overdue) for the first response; "answered" once an agent replied. */
export function SlaClock({ ticket, now }: { ticket: TicketDto; now: number }) {
  const remaining = slaRemainingMs(ticket, new Date(now));
  if (remaining !== null && (ticket.status === 'resolved' || ticket.status === 'closed')) {
    // No response clock on finished tickets.
    return <span class="sla sla-none">—</span>;
  }
  const { text, state } = describeSla(remaining);
  return <span class={`sla sla-${state}`}>{text}</span>;
}

/** The escalation level, e.g. "L2". The full name is in the title. */
export function LevelBadge({ level }: { level: EscalationLevel | undefined }) {
  const l = level ?? 'L1';
  return (
    <span class={`badge level-${l}`} title={LEVEL_LABELS[l]}>
      {l}
    </span>
  );
}
