import crypto from 'node:crypto';
import type { TicketEventDoc } from './ticket.model.ts';

export type NewTicketEvent = Omit<TicketEventDoc, 'seq' | 'at' | 'prevHash' | 'hash'>;

/** The hash of one event: its content in a fixed order, chained to the previous event's hash. */
export function eventHash(e: Omit<TicketEventDoc, 'hash'>): string {
  const content: unknown[] = [
    e.prevHash,
    e.seq,
    e.type,
    e.visibility,
    e.actorKind,
    e.actorId ?? '',
    e.actorName ?? '',
    e.text ?? '',
    e.from ?? '',
    e.to ?? '',
    e.at.toISOString(),
  ];
  // Details are hashed only when present, so events without them keep their original hash.
  if (e.data && Object.keys(e.data).length)
    content.push(
      Object.keys(e.data)
        .sort()
        .map((k) => [k, String(e.data![k])]),
    );
  return crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Number and chain new events after the ticket's current last one. */
export function chainEvents(events: NewTicketEvent[], after: { eventCount: number; lastHash: string }, at: Date): TicketEventDoc[] {
  let prevHash = after.lastHash;
  return events.map((e, i) => {
    const base = { ...e, seq: after.eventCount + i + 1, at, prevHash };
    const hash = eventHash(base);
    prevHash = hash;
    return { ...base, hash };
  });
}

/** Recompute a ticket's chain; returns the first event whose hash doesn't hold, or null. */
export function verifyChain(events: TicketEventDoc[]): { seq: number } | null {
  let prevHash = '';
  for (const e of events) {
    const { hash, ...rest } = e;
    if (e.prevHash !== prevHash || eventHash(rest) !== hash) return { seq: e.seq };
    prevHash = hash;
  }
  return null;
}
