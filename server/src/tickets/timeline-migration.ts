import type { Connection, Types } from 'mongoose';
import type { Migration } from '../db/migrations.ts';
import { auditedState, verifyLegacyChain, type EventChain } from './event-chain.ts';
import {
  ticketEventModel,
  ticketModel,
  ticketTranscriptModel,
  type StoredTicketEvent,
  type TicketDoc,
  type TicketEventDoc,
  type TranscriptLine,
} from './ticket.model.ts';

/** A ticket as versions before the timeline collections stored it: history and transcript inside. */
type OldTicket = TicketDoc & { events?: TicketEventDoc[]; transcript?: TranscriptLine[] };

/**
 * 0001: tickets kept their whole history and transcript inside the ticket document, chained with
 * an unkeyed sha256. Move both into ticket_events and ticket_transcripts, re-chained under the
 * audit key with the ticket's audited fields on the last event. An old chain that was already
 * broken is not laundered: the ticket records where it broke and verification keeps saying so.
 * Re-running is safe: rows are written by their position, the ticket last.
 */
export function ticketTimelineMigration(deps: { conn: Connection; chain: EventChain }): Migration {
  const Ticket = ticketModel(deps.conn);
  const TicketEvent = ticketEventModel(deps.conn);
  const TicketTranscript = ticketTranscriptModel(deps.conn);

  async function migrate(t: OldTicket) {
    const old = (t.events ?? []).slice().sort((a, b) => a.seq - b.seq);
    const brokenAt = verifyLegacyChain(old);
    let prevHash = '';
    const rows: StoredTicketEvent[] = old.map((e, i) => {
      const base: Omit<TicketEventDoc, 'hash'> = {
        seq: e.seq,
        type: e.type,
        visibility: e.visibility,
        actorKind: e.actorKind,
        ...(e.actorId ? { actorId: e.actorId } : {}),
        ...(e.actorName ? { actorName: e.actorName } : {}),
        ...(e.text !== undefined ? { text: e.text } : {}),
        ...(e.from ? { from: e.from } : {}),
        ...(e.to ? { to: e.to } : {}),
        ...(e.data && Object.keys(e.data).length ? { data: e.data } : {}),
        at: e.at,
        prevHash,
        ...(i === old.length - 1 ? { state: auditedState(t) } : {}),
      };
      const hash = deps.chain.eventHash(base);
      prevHash = hash;
      const key = e.data?.messageId ? `messageId:${e.data.messageId}` : e.data?.email ? `email:${e.data.email}` : undefined;
      return { ...base, hash, _id: `${t._id}:${e.seq}`, ticketId: t._id, ...(key ? { key } : {}) };
    });
    if (rows.length) {
      await TicketEvent.bulkWrite(
        rows.map((row) => ({ replaceOne: { filter: { _id: row._id }, replacement: row, upsert: true } })),
        { ordered: false },
      );
    }
    const lines = t.transcript ?? [];
    if (lines.length) {
      await TicketTranscript.bulkWrite(
        lines.map((l) => {
          const row = {
            seq: l.seq,
            author: l.author,
            ...(l.authorName ? { authorName: l.authorName } : {}),
            text: l.text,
            at: l.at,
            _id: `${t._id}:${l.seq}`,
            ticketId: t._id,
          };
          return { replaceOne: { filter: { _id: row._id }, replacement: row, upsert: true } };
        }),
        { ordered: false },
      );
    }
    await Ticket.collection.updateOne(
      { _id: t._id as Types.ObjectId },
      {
        $set: {
          eventCount: rows.length,
          lastHash: prevHash,
          transcriptCount: lines.length,
          ...(brokenAt !== null ? { chainBrokenBeforeMigration: brokenAt } : {}),
        },
        $unset: { events: '', transcript: '' },
      },
    );
  }

  return {
    id: '0001-ticket-timeline',
    async run(log) {
      let migrated = 0;
      // The old shape is the only one with an `events` field; each pass takes a batch of them.
      for (;;) {
        const batch = (await Ticket.collection
          .find({ events: { $exists: true } })
          .limit(200)
          .toArray()) as unknown as OldTicket[];
        if (!batch.length) break;
        for (const t of batch) await migrate(t);
        migrated += batch.length;
        log.info({ migrated }, 'tickets moved to the timeline collections');
      }
    },
  };
}
