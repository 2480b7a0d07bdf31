import nodemailer, { type Transporter } from 'nodemailer';

/** What the outbox hands to SMTP: the message is fully composed when the reply is recorded. */
export interface OutboundMail {
  from: { name?: string; address: string };
  to: { name?: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  headers: Record<string, string>;
}

export type SendResult = { ok: true; response: string } | { ok: false; permanent: boolean; error: string };

/** SMTP through nodemailer, from KAMFLO_SMTP_URL (smtp:// with STARTTLS when offered, or smtps://). */
export function createSmtpTransport(url: string) {
  const transporter: Transporter = nodemailer.createTransport(url, {});
  // Timeouts keep a hung server from holding an outbox claim for long.
  Object.assign(transporter.options, { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 });
  const target = (() => {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'smtps:' ? 465 : 587)}`;
  })();

  async function send(m: OutboundMail): Promise<SendResult> {
    try {
      const info = await transporter.sendMail({
        from: m.from,
        replyTo: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
        ...(m.references.length ? { references: m.references } : {}),
        headers: m.headers,
      });
      return { ok: true, response: String(info.response ?? '') };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string; response?: string };
      // A 5xx answer to the message is a refusal; everything else (4xx, network, auth) may pass later.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'EAUTH';
      const detail = (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
      return { ok: false, permanent, error: `${e.responseCode ? `SMTP ${e.responseCode}: ` : e.code ? `${e.code}: ` : ''}${detail}` };
    }
  }

  async function verify(): Promise<{ ok: boolean; error?: string }> {
    try {
      await transporter.verify();
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message.slice(0, 300) };
    }
  }

  return { send, verify, target, close: () => transporter.close() };
}
export type SmtpTransport = ReturnType<typeof createSmtpTransport>;
