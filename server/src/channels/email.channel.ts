import type { Connection } from 'mongoose';
import type { EmailConfig } from '../config.ts';
import { bodies, kamfloMessageId, references, ticketSubject } from '../email/compose.ts';
import type { SmtpTransport } from '../email/transport.ts';
import { inboundEmailModel } from '../email/email.model.ts';
import type { TicketDoc } from '../tickets/ticket.model.ts';
import type { CustomerChannel, CustomerMessage } from './channel.ts';
import { deliveryModel, type DeliveryDoc } from './delivery.model.ts';

/** Email to the requester's address, threaded with the customer's mail. */
export function createEmailChannel(deps: { conn: Connection; config: EmailConfig; transport: SmtpTransport }): CustomerChannel {
  const from = deps.config.supportAddress!;
  const domain = from.address.split('@')[1]!;
  const Inbound = inboundEmailModel(deps.conn);
  const Delivery = deliveryModel(deps.conn);

  /** The thread so far, oldest first: the customer's mails and ours. */
  async function thread(t: TicketDoc): Promise<{ ids: string[]; lastCustomer?: string }> {
    const [inbound, outbound] = await Promise.all([
      Inbound.find({ ticketId: t._id, state: 'stored' }, { messageId: 1, references: 1, receivedAt: 1 }).sort({ receivedAt: 1 }).lean(),
      Delivery.find({ ticketId: t._id, channel: 'email' }, { 'email.messageId': 1, createdAt: 1 }).sort({ seq: 1 }).lean(),
    ]);
    const dated = [
      ...inbound.filter((m) => m.messageId).map((m) => ({ at: m.receivedAt.getTime(), ids: [...m.references, m.messageId!] })),
      ...outbound.filter((d) => d.email?.messageId).map((d) => ({ at: d.createdAt.getTime(), ids: [d.email!.messageId] })),
    ].sort((a, b) => a.at - b.at);
    const lastCustomer = inbound.filter((m) => m.messageId).at(-1)?.messageId;
    return { ids: dated.flatMap((d) => d.ids), ...(lastCustomer ? { lastCustomer } : {}) };
  }

  return {
    name: 'email',
    inline: false,
    carries: () => true,
    async reach(t) {
      return t.requester?.email ? { to: t.requester.email } : null;
    },
    async prepare(t, m: CustomerMessage, to: string): Promise<Pick<DeliveryDoc, 'email'>> {
      const { ids, lastCustomer } = await thread(t);
      const refs = references(ids);
      const footer =
        m.kind === 'acknowledgement'
          ? `Ticket #${t.number}. This message was sent automatically.`
          : `Ticket #${t.number}. Reply to this email to answer${m.author ? ` ${m.author.name}` : ''}.`;
      return {
        email: {
          from,
          to: { ...(t.requester.name ? { name: t.requester.name } : {}), address: to },
          subject: ticketSubject(t.number, t.subject),
          ...bodies(m.text, footer),
          messageId: kamfloMessageId(String(t._id), m.seq, m.kind, domain),
          ...(lastCustomer || refs.length ? { inReplyTo: lastCustomer ?? refs.at(-1)! } : {}),
          references: refs,
          // RFC 3834: an automatic message says so, and asks other responders not to answer it.
          headers: {
            'X-Kamflo-Ticket': String(t.number),
            ...(m.kind === 'acknowledgement' ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {}),
          },
        },
      };
    },
    async send(d) {
      if (!d.email) return { ok: false, permanent: true, error: 'Nothing to send (the delivery has no message)' };
      const r = await deps.transport.send(d.email);
      return r.ok ? { ok: true } : r;
    },
  };
}
