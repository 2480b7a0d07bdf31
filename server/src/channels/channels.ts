import type { Connection } from 'mongoose';
import { CHANNELS, reachSentence, type Channel, type CustomerReachDto, type DeliveryDto, type InboundEmailDto, type TicketDetailDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Claims } from '../db/claims.ts';
import type { Notifier } from '../realtime/notify.ts';
import { AppError } from '../lib/errors.ts';
import { toTicketDetailDto, type TicketDoc, type TicketWithTimeline } from '../tickets/ticket.model.ts';
import { inboundEmailModel, toInboundEmailDto } from '../email/email.model.ts';
import type { CustomerChannel, CustomerMessage } from './channel.ts';
import { toDeliveryDto, type DeliveryDoc } from './delivery.model.ts';
import { createOutbox } from './outbox.ts';

/**
 * The one delivery path for customer-facing messages: replies, escalation updates, closing
 * messages and acknowledgements. Ticket code hands a message here after recording it; internal
 * notes have no path here at all.
 */
export function createChannels(deps: {
  conn: Connection;
  clock: Clock;
  claims: Claims;
  log: Logger;
  notify: Notifier;
  channels: Partial<Record<Channel, CustomerChannel>>;
}) {
  const { log } = deps;
  const Inbound = inboundEmailModel(deps.conn);
  const outbox = createOutbox({
    conn: deps.conn,
    clock: deps.clock,
    claims: deps.claims,
    log,
    channels: deps.channels,
    onChange: (d) => {
      if (d.ticketNumber !== undefined) deps.notify.allAgents('delivery:updated', { ticketNumber: d.ticketNumber, delivery: toDeliveryDto(d) });
      else for (const f of conversationListeners) f(d);
    },
  });
  // A social conversation's messages before any ticket (social/) are told here instead.
  const conversationListeners: ((d: DeliveryDoc) => void)[] = [];
  const active = CHANNELS.map((c) => deps.channels[c]).filter((c): c is CustomerChannel => !!c);

  async function reachOf(t: TicketDoc): Promise<{ channel: CustomerChannel; to: string; conversationId?: string }[]> {
    const found = await Promise.all(active.map(async (channel) => ({ channel, where: await channel.reach(t) })));
    return found.filter((f) => f.where).map((f) => ({ channel: f.channel, ...f.where! }));
  }

  async function reach(t: TicketDoc): Promise<CustomerReachDto> {
    const out: CustomerReachDto = {};
    for (const r of await reachOf(t)) {
      if (r.channel.name === 'email') out.email = { address: r.to };
      if (r.channel.name === 'widget') out.widget = r.conversationId ? { conversationId: r.conversationId } : {};
      if (r.channel.name === 'telegram' && r.conversationId) out.telegram = { conversationId: r.conversationId };
    }
    return out;
  }

  /** Before recording a customer-facing message: refuse it when nothing would carry it. */
  async function assertReachable(t: TicketDoc): Promise<void> {
    const r = await reach(t);
    if (!r.email && !r.widget && !r.telegram) throw new AppError('conflict', `${reachSentence(t.requester, r)}. Nothing was sent or recorded.`);
  }

  /** Record the message on every channel that reaches the customer, then send it. */
  async function deliver(t: TicketDoc, m: CustomerMessage): Promise<DeliveryDoc[]> {
    const targets = (await reachOf(t)).filter((r) => r.channel.carries(m.kind));
    const prepared = await Promise.all(
      targets.map(async (r) => ({
        _id: `${t._id}:${m.seq}:${r.channel.name}`,
        ticketId: t._id,
        ticketNumber: t.number,
        seq: m.seq,
        kind: m.kind,
        channel: r.channel.name,
        to: r.to,
        ...(await r.channel.prepare(t, m, r.to)),
      })),
    );
    const recorded = await outbox.record(prepared);
    // Local channels are tried in the request, so the widget has the reply when the agent's call returns.
    for (const d of recorded)
      if (deps.channels[d.channel]?.inline) await outbox.attempt(d._id).catch((err) => log.warn({ err, delivery: d._id }, 'delivery attempt failed'));
    if (recorded.some((d) => !deps.channels[d.channel]?.inline)) outbox.runSoon();
    return recorded;
  }

  /** What the timeline shows beside the ticket's events: delivery state, inbound mail, reach. */
  async function timelineOf(t: TicketDoc): Promise<{ deliveries: DeliveryDto[]; emails: InboundEmailDto[]; reach: CustomerReachDto }> {
    const [deliveries, emails, r] = await Promise.all([
      outbox.forTicket(t._id),
      Inbound.find({ ticketId: t._id, state: 'stored' }).sort({ receivedAt: 1 }).limit(500).lean(),
      reach(t),
    ]);
    return { deliveries: deliveries.map(toDeliveryDto), emails: emails.map((e) => toInboundEmailDto(e, t.number)), reach: r };
  }

  /** The ticket as agents see it, with the channels' part joined in. */
  async function detail(t: TicketWithTimeline): Promise<TicketDetailDto> {
    return { ...toTicketDetailDto(t), ...(await timelineOf(t.ticket)) };
  }

  return {
    reach,
    assertReachable,
    deliver,
    timelineOf,
    detail,
    outbox,
    has: (c: Channel) => !!deps.channels[c],
    /** Told of every state change of a delivery without a ticket (a social conversation's message). */
    onConversationDelivery: (f: (d: DeliveryDoc) => void) => conversationListeners.push(f),
  };
}
export type Channels = ReturnType<typeof createChannels>;
