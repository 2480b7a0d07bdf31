import crypto from 'node:crypto';
import type { AuditedState, TicketDoc, TicketEventDoc } from './ticket.model.ts';

export type NewTicketEvent = Omit<TicketEventDoc, 'seq' | 'at' | 'prevHash' | 'hash' | 'state'>;

/** The fields of a ticket the chain vouches for, as they stand in `t`. */
export function auditedState(t: Pick<TicketDoc, 'status' | 'assignee' | 'priority' | 'level' | 'requester'>): AuditedState {
  return {
    status: t.status,
    assignee: t.assignee ? String(t.assignee) : '',
    priority: t.priority,
    level: t.level ?? 'L1',
    requesterName: t.requester?.name ?? '',
    requesterEmail: t.requester?.email ?? '',
  };
}

/** What is chained: the event's content in a fixed order. */
function content(e: Omit<TicketEventDoc, 'hash'>): unknown[] {
  const c: unknown[] = [
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
    c.push(
      Object.keys(e.data)
        .sort()
        .map((k) => [k, String(e.data![k])]),
    );
  return c;
}

/**
 * The chain's links. Keyed (HMAC-SHA256) with a key that is not in the database, so someone who
 * can write to the database but does not hold the key cannot recompute the chain after an edit.
 */
export function createEventChain(key: Buffer) {
  function eventHash(e: Omit<TicketEventDoc, 'hash'>): string {
    const c = content(e);
    if (e.state) {
      const s = e.state;
      c.push(['state', s.status, s.assignee, s.priority, s.level, s.requesterName, s.requesterEmail]);
    }
    return crypto.createHmac('sha256', key).update(JSON.stringify(c)).digest('hex');
  }

  /** Number and chain new events after the ticket's current last one; `state` is the ticket after them. */
  function chain(events: NewTicketEvent[], after: { eventCount: number; lastHash: string }, at: Date, state: AuditedState): TicketEventDoc[] {
    let prevHash = after.lastHash;
    return events.map((e, i) => {
      const base = { ...e, seq: after.eventCount + i + 1, at, prevHash, state };
      const hash = eventHash(base);
      prevHash = hash;
      return { ...base, hash };
    });
  }

  /**
   * Recompute a ticket's chain, and compare the ticket's audited fields with the state its last
   * event vouches for. Returns what broke first, or null.
   */
  function verify(
    t: Pick<TicketDoc, 'status' | 'assignee' | 'priority' | 'level' | 'requester' | 'lastHash' | 'eventCount'>,
    events: TicketEventDoc[],
  ): VerifyResult {
    let prevHash = '';
    let expectedSeq = 1;
    for (const e of events) {
      const { hash, ...rest } = e;
      if (e.seq !== expectedSeq) return { seq: expectedSeq, reason: 'missing' };
      if (e.prevHash !== prevHash || eventHash(rest) !== hash) return { seq: e.seq, reason: 'altered' };
      prevHash = hash;
      expectedSeq++;
    }
    if (events.length !== t.eventCount || t.lastHash !== prevHash) return { seq: events.length + 1, reason: 'missing' };
    const last = events.at(-1);
    if (last?.state) {
      const now = auditedState(t);
      const field = (Object.keys(now) as (keyof AuditedState)[]).find((k) => now[k] !== last.state![k]);
      if (field) return { seq: last.seq, reason: 'ticket_altered', field };
    }
    return null;
  }

  return { chain, verify, eventHash };
}
export type EventChain = ReturnType<typeof createEventChain>;

export type VerifyResult = null | { seq: number; reason: 'altered' | 'missing' | 'ticket_altered'; field?: keyof AuditedState };

/** The unkeyed sha256 chain of earlier versions, only to check old history before the migration re-chains it. */
export function legacyEventHash(e: Omit<TicketEventDoc, 'hash'>): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(content(e)))
    .digest('hex');
}

export function verifyLegacyChain(events: TicketEventDoc[]): number | null {
  let prevHash = '';
  for (const e of events) {
    const { hash, ...rest } = e;
    if (e.prevHash !== prevHash || legacyEventHash(rest) !== hash) return e.seq;
    prevHash = hash;
  }
  return null;
}
