import crypto from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH } from '@kamflo/shared';
import type { EmailConfig } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Claims } from '../db/claims.ts';
import type { TicketDoc } from '../tickets/ticket.model.ts';
import type { TicketStore } from '../tickets/ticket-store.ts';
import type { TicketIntake } from '../tickets/ticket-intake.ts';
import type { TicketActions } from '../tickets/ticket-actions.ts';

/** What the email intake needs of tickets: finding one, a new one from a mail, a reply joining one. */
export interface TicketsForEmail {
  Ticket: TicketStore['Ticket'];
  fromEmail: TicketIntake['fromEmail'];
  customerEmail: TicketActions['customerEmail'];
}
import type { Channels } from '../channels/channels.ts';
import type { AttachmentStore } from './attachments.ts';
import { ticketIdFromMessageId, ticketNumberFromSubject } from './compose.ts';
import { inboundEmailModel, type InboundEmailDoc } from './email.model.ts';
import { BadEmailError, parseEmail, type ParsedEmail } from './parse.ts';

export type IntakeOutcome =
  | { outcome: 'new_ticket' | 'reply' | 'duplicate'; ticketNumber: number }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'busy' };

/** A processing claim older than this belongs to a process that died: another may take over. */
const INTAKE_LEASE_MS = 2 * 60_000;

/** An id derived from the mail's key: the same mail always makes the same ticket or attachment. */
function idFrom(key: string, salt: string): Types.ObjectId {
  return new Types.ObjectId(crypto.createHash('sha256').update(`${salt}:${key}`).digest('hex').slice(0, 24));
}

export const ackText = (number: number) =>
  `We got your request. Your ticket number is #${number}; reply to this email to add anything. We'll answer as soon as we can.`;

/**
 * Inbound mail → tickets, for both the SMTP listener and the IMAP poller. Each mail is stored
 * once (its key is unique), every step is safe to repeat, so a retried delivery, a restarted
 * poller or two processes polling one mailbox make one ticket, one message.
 */
export function createEmailIntake(deps: {
  conn: Connection;
  clock: Clock;
  claims: Claims;
  log: Logger;
  config: EmailConfig;
  tickets: TicketsForEmail;
  channels: Channels;
  attachments: AttachmentStore;
  /** The admin's acknowledgement switch, read per mail (any process may change it). */
  acknowledge: () => Promise<boolean>;
  owner: () => string;
}) {
  const { clock, claims, log, config, tickets, channels, attachments } = deps;
  const Inbound = inboundEmailModel(deps.conn);
  const support = config.supportAddress?.address;

  async function takeClaim(key: string): Promise<boolean> {
    const claim = `email:${key}`;
    if (await claims.take(claim, deps.owner(), clock.now())) return true;
    const holder = await claims.holder(claim);
    if (holder && clock.now().getTime() - holder.at.getTime() > INTAKE_LEASE_MS) {
      await claims.release(claim, holder.owner);
      return claims.take(claim, deps.owner(), clock.now());
    }
    return false;
  }

  /** The ticket a reply belongs to: headers naming one of our mails (or one of its mails), or [#N] in the subject. */
  async function replyTarget(p: ParsedEmail): Promise<TicketDoc | null> {
    const refs = [...p.inReplyTo, ...p.references.slice().reverse()];
    const candidates: Types.ObjectId[] = [];
    for (const id of refs) {
      const ours = ticketIdFromMessageId(id);
      if (ours) candidates.push(new Types.ObjectId(ours));
    }
    if (refs.length) {
      const earlier = await Inbound.find({ _id: { $in: refs.map((r) => `mid:${r}`) }, state: 'stored' }, { ticketId: 1 }).lean();
      for (const e of earlier) if (e.ticketId) candidates.push(e.ticketId);
    }
    const byNumber = ticketNumberFromSubject(p.subject);
    const found: TicketDoc[] = [];
    if (candidates.length) found.push(...(await tickets.Ticket.find({ _id: { $in: candidates } }).lean()));
    if (byNumber) found.push(...(await tickets.Ticket.find({ number: byNumber }).lean()));
    if (!found.length) return null;
    const mine = found.find((t) => t.requester?.email?.toLowerCase() === p.from.address);
    if (mine) return mine;
    // A reply that names a ticket but comes from someone else (forged headers, a colleague in Cc): never joins it.
    log.warn({ from: p.from.address, ticket: found[0]!.number }, 'email: names a ticket but is not from its requester; it becomes a new ticket');
    return null;
  }

  async function storeAttachments(p: ParsedEmail) {
    const stored: InboundEmailDoc['attachments'] = [];
    const skipped: InboundEmailDoc['skipped'] = [];
    for (const [i, a] of p.attachments.entries()) {
      if (a.size > config.maxAttachmentBytes) {
        skipped.push({ name: a.name, size: a.size, reason: `over the ${Math.round(config.maxAttachmentBytes / 1048576)} MB attachment limit` });
        log.warn({ key: p.key, attachment: a.name, size: a.size }, 'email: attachment over the limit, not stored');
        continue;
      }
      stored.push(await attachments.put(idFrom(p.key, `attachment${i}`), a));
    }
    return { stored, skipped };
  }

  /**
   * Take in one raw message. Throws BadEmailError (the caller rejects it and logs why) for what
   * can never become a ticket; `busy` means another process is on this very mail right now.
   */
  async function receive(raw: Buffer, meta: { source: 'smtp' | 'imap'; envelopeFrom?: string | null }): Promise<IntakeOutcome> {
    if (raw.length > config.maxMessageBytes) throw new BadEmailError(`larger than the ${Math.round(config.maxMessageBytes / 1048576)} MB message limit`);
    const p = await parseEmail(raw, { envelopeFrom: meta.envelopeFrom, maxTextLength: MAX_MESSAGE_LENGTH });
    if (support && p.from.address === support) {
      log.info({ key: p.key }, 'email: from the support address itself; ignored (no loops)');
      return { outcome: 'ignored', reason: 'from the support address' };
    }
    const done = await Inbound.findById(p.key, { state: 1, ticketNumber: 1 }).lean();
    if (done?.state === 'stored') return { outcome: 'duplicate', ticketNumber: done.ticketNumber! };
    if (!(await takeClaim(p.key))) return { outcome: 'busy' };
    try {
      const again = await Inbound.findById(p.key, { state: 1, ticketNumber: 1 }).lean();
      if (again?.state === 'stored') return { outcome: 'duplicate', ticketNumber: again.ticketNumber! };
      const { stored, skipped } = await storeAttachments(p);
      const text = (p.text || (stored.length || skipped.length ? '(attachments only)' : '(no text)')).slice(0, MAX_MESSAGE_LENGTH);
      const target = await replyTarget(p);
      let ticket: TicketDoc;
      let seq: number;
      let outcome: 'new_ticket' | 'reply';
      if (target) {
        const r = await tickets.customerEmail(target._id, { text, ...(p.from.name ? { name: p.from.name } : {}), emailKey: p.key });
        if (!r) throw new Error(`ticket ${target._id} vanished`);
        ({ ticket, seq } = r);
        outcome = 'reply';
      } else {
        ticket = await tickets.fromEmail({
          _id: idFrom(p.key, 'ticket'),
          subject: (p.subject || '(no subject)').slice(0, MAX_SUBJECT_LENGTH),
          requester: { ...(p.from.name ? { name: p.from.name } : {}), email: p.from.address },
          text,
          emailKey: p.key,
        });
        seq = 1;
        outcome = 'new_ticket';
      }
      const { attachments: _drop, ...fields } = p;
      await Inbound.updateOne(
        { _id: p.key },
        {
          $set: {
            ...fields,
            source: meta.source,
            receivedAt: clock.now(),
            attachments: stored,
            skipped,
            state: 'stored',
            outcome,
            ticketId: ticket._id,
            ticketNumber: ticket.number,
            seq,
          },
        },
        { upsert: true },
      );
      log.info({ key: p.key, ticket: ticket.number, outcome, source: meta.source }, 'email: stored');
      if (outcome === 'new_ticket' && channels.has('email')) {
        if (p.noAutoReply) log.info({ key: p.key, why: p.noAutoReply }, 'email: no acknowledgement (automatic mail)');
        else if (await deps.acknowledge()) await channels.deliver(ticket, { seq, kind: 'acknowledgement', text: ackText(ticket.number) });
      }
      return { outcome, ticketNumber: ticket.number };
    } finally {
      await claims.release(`email:${p.key}`, deps.owner()).catch(() => {});
    }
  }

  return { receive };
}
export type EmailIntake = ReturnType<typeof createEmailIntake>;
export { BadEmailError };
