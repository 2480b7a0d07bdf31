import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '@kamflo/shared';
import type { SocialAttachment } from '../../chats/message.model.ts';

// An Update as Telegram's webhook delivers it (https://core.telegram.org/bots/api#update): only
// the fields Kamflo reads are checked; everything else passes (Telegram adds fields over time).

const fileId = z.string().min(1).max(300);
const size = z.number().int().nonnegative().optional();
const str = (max: number) => z.string().max(max);

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: str(256),
  last_name: str(256).optional(),
  username: str(64).optional(),
});
const photoSize = z.object({ file_id: fileId, width: z.number().int(), height: z.number().int(), file_size: size });
const location = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });

const message = z.object({
  message_id: z.number().int(),
  date: z.number().int(),
  edit_date: z.number().int().optional(),
  chat: z.object({ id: z.number().int(), type: z.string(), first_name: str(256).optional(), last_name: str(256).optional(), username: str(64).optional() }),
  from: user.optional(),
  text: str(8192).optional(),
  caption: str(2048).optional(),
  photo: z.array(photoSize).max(20).optional(),
  document: z.object({ file_id: fileId, file_name: str(256).optional(), mime_type: str(128).optional(), file_size: size }).optional(),
  audio: z
    .object({
      file_id: fileId,
      duration: z.number().int().optional(),
      performer: str(256).optional(),
      title: str(256).optional(),
      file_name: str(256).optional(),
      mime_type: str(128).optional(),
      file_size: size,
    })
    .optional(),
  voice: z.object({ file_id: fileId, duration: z.number().int().optional(), mime_type: str(128).optional(), file_size: size }).optional(),
  video: z
    .object({
      file_id: fileId,
      width: z.number().int().optional(),
      height: z.number().int().optional(),
      duration: z.number().int().optional(),
      file_name: str(256).optional(),
      mime_type: str(128).optional(),
      file_size: size,
    })
    .optional(),
  sticker: z.object({ file_id: fileId, emoji: str(16).optional(), width: z.number().int().optional(), height: z.number().int().optional() }).optional(),
  location: location.optional(),
  venue: z.object({ location, title: str(256), address: str(512) }).optional(),
  contact: z.object({ phone_number: str(64), first_name: str(256), last_name: str(256).optional() }).optional(),
});
type TelegramMessage = z.infer<typeof message>;

export const telegramUpdate = z.object({
  update_id: z.number().int(),
  message: message.optional(),
  edited_message: message.optional(),
});
export type TelegramUpdate = z.infer<typeof telegramUpdate>;

/** The message kinds Kamflo does not show, named for the customer's agent (Telegram's field names). */
const UNSUPPORTED: Record<string, string> = {
  poll: 'a poll',
  dice: 'a dice roll',
  game: 'a game',
  video_note: 'a video message',
  animation: 'a GIF',
  story: 'a story',
  invoice: 'an invoice',
  paid_media: 'paid media',
};

/** One inbound Telegram message, as Kamflo stores it. */
export interface InboundTelegramMessage {
  /** Stored once by this: `<chat id>:<message id>`, and `:edit:<edit date>` for each edit. */
  key: string;
  chatId: string;
  messageId: number;
  name: string;
  handle?: string;
  /** What agents read: the text, caption, or a description of what was sent. */
  text: string;
  attachments: SocialAttachment[];
  sentAt: Date;
}

const kb = (bytes?: number) =>
  bytes === undefined
    ? ''
    : bytes < 1024
      ? `, ${bytes} B`
      : bytes < 1024 * 1024
        ? `, ${Math.round(bytes / 1024)} KB`
        : `, ${(bytes / 1024 / 1024).toFixed(1)} MB`;
const secs = (s?: number) => (s === undefined ? '' : `, ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`);

/**
 * What an update means for Kamflo: a customer's message (new or edited) in a private chat, or
 * why it is left alone (another kind of update, a group chat, a bot).
 */
export function readTelegramUpdate(raw: Record<string, unknown>, u: TelegramUpdate): InboundTelegramMessage | { ignored: string } {
  const edited = !u.message && !!u.edited_message;
  const m = u.message ?? u.edited_message;
  if (!m)
    return {
      ignored: `an update without a message (${
        Object.keys(raw)
          .filter((k) => k !== 'update_id')
          .join(', ') || 'empty'
      })`,
    };
  if (m.chat.type !== 'private') return { ignored: `a message in a ${m.chat.type} chat (only private chats with the bot are conversations)` };
  if (m.from?.is_bot) return { ignored: 'a message from a bot' };
  const who = m.from ?? { first_name: m.chat.first_name ?? 'Telegram user', last_name: m.chat.last_name, username: m.chat.username };
  const name = [who.first_name, who.last_name].filter(Boolean).join(' ').trim() || 'Telegram user';
  const { text, attachments } = describe(m, (raw.message ?? raw.edited_message) as Record<string, unknown>);
  const shown = edited ? `(edited) ${text}` : text;
  return {
    key: `${m.chat.id}:${m.message_id}${edited ? `:edit:${m.edit_date ?? u.update_id}` : ''}`,
    chatId: String(m.chat.id),
    messageId: m.message_id,
    name: name.slice(0, 100),
    ...(who.username ? { handle: `@${who.username}` } : {}),
    text: shown.length > MAX_MESSAGE_LENGTH ? `${shown.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : shown,
    attachments,
    sentAt: new Date(m.date * 1000),
  };
}

function describe(m: TelegramMessage, raw: Record<string, unknown>): { text: string; attachments: SocialAttachment[] } {
  const attachments: SocialAttachment[] = [];
  const lines: string[] = [];
  if (m.photo?.length) {
    // Telegram sends every size it made; the largest is the photo.
    const p = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    attachments.push({ kind: 'photo', fileId: p.file_id, width: p.width, height: p.height, ...(p.file_size ? { size: p.file_size } : {}) });
    lines.push(`[Photo ${p.width}×${p.height}${kb(p.file_size)}]`);
  }
  if (m.document) {
    const d = m.document;
    attachments.push({
      kind: 'document',
      fileId: d.file_id,
      ...(d.file_name ? { name: d.file_name } : {}),
      ...(d.mime_type ? { type: d.mime_type } : {}),
      ...(d.file_size ? { size: d.file_size } : {}),
    });
    lines.push(`[Document: ${d.file_name ?? 'unnamed'}${d.mime_type ? ` (${d.mime_type})` : ''}${kb(d.file_size)}]`);
  }
  if (m.audio) {
    const a = m.audio;
    const title = [a.performer, a.title].filter(Boolean).join(' – ') || a.file_name || 'untitled';
    attachments.push({
      kind: 'audio',
      fileId: a.file_id,
      name: a.file_name ?? title,
      ...(a.mime_type ? { type: a.mime_type } : {}),
      ...(a.file_size ? { size: a.file_size } : {}),
      ...(a.duration !== undefined ? { duration: a.duration } : {}),
    });
    lines.push(`[Audio: ${title}${secs(a.duration)}${kb(a.file_size)}]`);
  }
  if (m.voice) {
    const v = m.voice;
    attachments.push({
      kind: 'voice',
      fileId: v.file_id,
      ...(v.mime_type ? { type: v.mime_type } : {}),
      ...(v.file_size ? { size: v.file_size } : {}),
      ...(v.duration !== undefined ? { duration: v.duration } : {}),
    });
    lines.push(`[Voice message${secs(v.duration)}]`);
  }
  if (m.video) {
    const v = m.video;
    attachments.push({
      kind: 'video',
      fileId: v.file_id,
      ...(v.file_name ? { name: v.file_name } : {}),
      ...(v.mime_type ? { type: v.mime_type } : {}),
      ...(v.file_size ? { size: v.file_size } : {}),
      ...(v.duration !== undefined ? { duration: v.duration } : {}),
    });
    lines.push(`[Video${secs(v.duration)}${kb(v.file_size)}]`);
  }
  if (m.sticker) {
    attachments.push({ kind: 'sticker', fileId: m.sticker.file_id });
    lines.push(`[Sticker${m.sticker.emoji ? ` ${m.sticker.emoji}` : ''}]`);
  }
  const place = m.venue?.location ?? m.location;
  if (place) {
    attachments.push({ kind: 'location', latitude: place.latitude, longitude: place.longitude, ...(m.venue ? { name: m.venue.title } : {}) });
    lines.push(
      m.venue
        ? `[Location: ${m.venue.title}, ${m.venue.address} (${place.latitude}, ${place.longitude})]`
        : `[Location: ${place.latitude}, ${place.longitude}]`,
    );
  }
  if (m.contact) {
    attachments.push({ kind: 'contact', name: [m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ') });
    lines.push(`[Contact: ${[m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ')}, ${m.contact.phone_number}]`);
  }
  const words = m.text ?? m.caption;
  if (words) lines.push(words);
  if (!lines.length) {
    const kind = Object.keys(raw).find((k) => k in UNSUPPORTED);
    lines.push(
      `[The customer sent ${kind ? UNSUPPORTED[kind] : 'a kind of Telegram message'} that Kamflo does not show${kind ? '' : ` (${unknownFields(raw)})`}. Ask them to describe it in words.]`,
    );
  }
  return { text: lines.join('\n'), attachments };
}

const KNOWN = new Set(['message_id', 'date', 'edit_date', 'chat', 'from', 'text', 'entities', 'caption', 'caption_entities', 'message_thread_id']);
function unknownFields(raw: Record<string, unknown>): string {
  return (
    Object.keys(raw)
      .filter((k) => !KNOWN.has(k))
      .slice(0, 3)
      .join(', ') || 'no content'
  );
}
