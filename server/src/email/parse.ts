import crypto from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import { sanitizeEmailHtml } from './sanitize.ts';
import { trimReply } from './trim.ts';
import { whyNoAutoReply } from './loop.ts';

export interface ParsedAttachment {
  name: string;
  type: string;
  size: number;
  content: Buffer;
}

/** An inbound mail as Kamflo keeps it. Everything here came from a stranger: text, never markup. */
export interface ParsedEmail {
  /** Unique key: the Message-ID, or a hash of the raw message when it has none. */
  key: string;
  messageId?: string;
  from: { name?: string; address: string };
  to: string[];
  subject: string;
  date?: Date;
  inReplyTo: string[];
  references: string[];
  /** The new part of the text (quoted history and signature trimmed). */
  text: string;
  originalText: string;
  trimmed: boolean;
  html?: string;
  remoteContent: boolean;
  attachments: ParsedAttachment[];
  /** Why no automatic answer may go back (loop prevention), or null. */
  noAutoReply: string | null;
}

export class BadEmailError extends Error {}

const MSG_ID = /<[^<>\s]+>/g;
function ids(value: string | string[] | undefined): string[] {
  const all = (Array.isArray(value) ? value.join(' ') : (value ?? '')).match(MSG_ID) ?? [];
  return [...new Set(all)];
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): { name?: string; address: string } | null {
  const list = Array.isArray(a) ? a.flatMap((x) => x.value) : (a?.value ?? []);
  for (const v of list) {
    const address = v.address?.trim().toLowerCase();
    if (address && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) return { ...(v.name?.trim() ? { name: v.name.trim().slice(0, 100) } : {}), address };
  }
  return null;
}

function allAddresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a.flatMap((x) => x.value) : (a?.value ?? []);
  return list.map((v) => v.address?.toLowerCase()).filter((x): x is string => !!x);
}

/**
 * Parse a raw message with mailparser. Throws BadEmailError for what cannot become a ticket
 * (no usable From address, no headers at all); everything else is kept as well as it parses.
 */
export async function parseEmail(raw: Buffer, opts: { envelopeFrom?: string | null; maxTextLength: number }): Promise<ParsedEmail> {
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (err) {
    throw new BadEmailError(`unparseable MIME: ${(err as Error).message}`);
  }
  if (parsed.headers.size === 0) throw new BadEmailError('no headers: not an email message');
  const from = firstAddress(parsed.from);
  if (!from) throw new BadEmailError('no usable From address');
  const messageId = ids(parsed.messageId)[0];
  const key = messageId ? `mid:${messageId}` : `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? sanitizeEmailHtml(parsed.html) : undefined;
  // mailparser derives the text from the HTML when there is no text part.
  const originalText = (parsed.text ?? '').replace(/\r\n/g, '\n').slice(0, opts.maxTextLength * 4);
  const { text, trimmed } = trimReply(originalText);
  return {
    key,
    ...(messageId ? { messageId } : {}),
    from,
    to: [...allAddresses(parsed.to), ...allAddresses(parsed.cc)],
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim(),
    ...(parsed.date && !Number.isNaN(parsed.date.getTime()) ? { date: parsed.date } : {}),
    inReplyTo: ids(parsed.inReplyTo),
    references: ids(parsed.references),
    text: text.slice(0, opts.maxTextLength),
    originalText,
    trimmed,
    ...(html ? { html: html.html } : {}),
    remoteContent: html?.remoteContent ?? false,
    attachments: parsed.attachments
      .filter((a) => a.contentDisposition !== 'inline' || !a.related)
      .map((a) => ({
        name: (a.filename ?? 'attachment').replace(/[\r\n"\\/]/g, '_').slice(0, 200),
        type: (a.contentType || 'application/octet-stream').toLowerCase().slice(0, 100),
        size: a.size ?? a.content.length,
        content: a.content,
      })),
    noAutoReply: whyNoAutoReply(parsed.headers, opts.envelopeFrom, from.address),
  };
}
