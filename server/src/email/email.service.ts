import type { Connection } from 'mongoose';
import type { EmailStatusDto } from '@kamflo/shared';
import type { EmailConfig } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Claims } from '../db/claims.ts';
import { settingModel } from '../db/settings.ts';
import type { TicketsForEmail } from './intake.ts';
import type { Channels } from '../channels/channels.ts';
import { createEmailChannel } from '../channels/email.channel.ts';
import { createSmtpTransport } from './transport.ts';
import { createAttachmentStore } from './attachments.ts';
import { createEmailIntake, type EmailIntake } from './intake.ts';
import { createSmtpListener, type SmtpListener } from './smtp-listener.ts';
import { createImapPoller, type ImapPoller } from './imap-poller.ts';

const ACK_SETTING = 'emailAcknowledge';

/**
 * The email channel as a whole: outbound SMTP (the channel the outbox sends through) and the
 * two ways mail comes in (the SMTP listener, the IMAP poller), with their health for the console.
 * Everything is off unless configured.
 */
export function createEmailService(deps: { conn: Connection; config: EmailConfig; clock: Clock; claims: Claims; log: Logger }) {
  const { config, log } = deps;
  const Setting = settingModel(deps.conn);
  const transport = config.smtpUrl ? createSmtpTransport(config.smtpUrl) : null;
  const channel = transport ? createEmailChannel({ conn: deps.conn, config, transport }) : null;
  const attachments = createAttachmentStore(deps.conn);
  let outbound: { connected: boolean; error?: string; checkedAt?: Date } = { connected: false };
  let intake: EmailIntake | null = null;
  let listener: SmtpListener | null = null;
  let poller: ImapPoller | null = null;

  async function acknowledge(): Promise<boolean> {
    const doc = await Setting.findById(ACK_SETTING).lean();
    return doc ? doc.value !== false : true;
  }
  async function setAcknowledge(on: boolean): Promise<void> {
    await Setting.updateOne({ _id: ACK_SETTING }, { $set: { value: on } }, { upsert: true });
  }

  /** Inbound needs the ticket service and the channels, which need the outbound channel first. */
  function attachInbound(d: { tickets: TicketsForEmail; channels: Channels; owner: () => string }) {
    if (!config.supportAddress) return;
    intake = createEmailIntake({ ...deps, tickets: d.tickets, channels: d.channels, attachments, acknowledge, owner: d.owner });
    if (config.inboundSmtpPort !== undefined) {
      listener = createSmtpListener({ intake, log, supportAddress: config.supportAddress.address, maxMessageBytes: config.maxMessageBytes });
    }
    if (config.imapUrl) poller = createImapPoller({ url: config.imapUrl, intake, log, clock: deps.clock, maxMessageBytes: config.maxMessageBytes });
  }

  /** Open the listener, check SMTP, and (with timers) start polling. */
  async function start(opts: { timers: boolean }): Promise<void> {
    if (listener) {
      const port = await listener.listen(config.inboundSmtpPort!, config.inboundSmtpHost).catch((err: Error) => {
        log.error({ err: err.message, port: config.inboundSmtpPort }, 'email: the inbound SMTP listener could not start');
        return null;
      });
      if (port !== null) log.info({ port }, 'email: inbound SMTP listener ready');
    }
    if (transport && opts.timers) void checkOutbound();
    if (poller && opts.timers) poller.start(config.imapPollMs);
  }

  async function checkOutbound(): Promise<void> {
    if (!transport) return;
    const r = await transport.verify();
    outbound = { connected: r.ok, ...(r.error ? { error: r.error } : {}), checkedAt: deps.clock.now() };
    if (!r.ok) log.warn({ server: transport.target, error: r.error }, 'email: the SMTP server does not answer as configured');
  }

  async function status(): Promise<EmailStatusDto> {
    if (transport && !outbound.checkedAt) await checkOutbound();
    const support = config.supportAddress;
    return {
      ...(support ? { supportAddress: support.name ? `${support.name} <${support.address}>` : support.address } : {}),
      outbound: {
        configured: !!transport,
        connected: !!transport && outbound.connected,
        ...(transport ? { server: transport.target } : {}),
        ...(outbound.error ? { error: outbound.error } : {}),
        ...(outbound.checkedAt ? { checkedAt: outbound.checkedAt.toISOString() } : {}),
      },
      inbound: {
        smtp: { configured: !!listener, ...(listener ? listener.status() : { listening: false }) },
        imap: { configured: !!poller, ...(poller ? poller.status() : { connected: false }) },
      },
      acknowledge: await acknowledge(),
      limits: { maxMessageBytes: config.maxMessageBytes, maxAttachmentBytes: config.maxAttachmentBytes },
    };
  }

  async function close(): Promise<void> {
    await listener?.close();
    await poller?.close();
    transport?.close();
  }

  return {
    channel,
    attachments,
    attachInbound,
    start,
    status,
    checkOutbound,
    setAcknowledge,
    /** Tests: the intake and the poller, to take in mail without waiting for a timer. */
    intake: () => intake,
    poller: () => poller,
    listener: () => listener,
    close,
  };
}
export type EmailService = ReturnType<typeof createEmailService>;
