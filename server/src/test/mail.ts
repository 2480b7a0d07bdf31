import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

/** A MIME message as a customer's mail program would send it (nodemailer's composer). */
export async function composeMail(m: Mail.Options): Promise<Buffer> {
  return new MailComposer(m).compile().build();
}

/**
 * Send a raw message to an SMTP server as another mail server would. Resolves with the
 * server's answer, or rejects with its refusal (responseCode 4xx/5xx).
 */
export async function smtpSend(port: number, raw: Buffer | string, envelope: { from: string; to: string[] }): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, logger: false });
  try {
    const info = await t.sendMail({ envelope, raw });
    return String(info.response);
  } finally {
    t.close();
  }
}

/** The SMTP error code of a refused send. */
export async function smtpRefusal(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return { code: e.responseCode ?? 0, message: e.response ?? e.message };
  }
  throw new Error('the server accepted the message');
}
