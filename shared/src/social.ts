import { z } from 'zod';
import type { DeliveryState } from './channels.ts';

// Social channels (Telegram now): the connection admins make per site, and what a social
// message carries beyond its text.

/** The social channels Kamflo connects to. */
export const SOCIAL_CHANNELS = ['telegram'] as const;
export type SocialChannel = (typeof SOCIAL_CHANNELS)[number];

/** A bot token as BotFather hands it out: `<bot id>:<secret>`. */
export const telegramBotToken = z
  .string()
  .trim()
  .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'must be a bot token from @BotFather (digits, a colon, then letters, digits, _ and -)');

export const connectTelegramInput = z.strictObject({
  /** The site whose inbox the bot's messages join. */
  site: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a site key'),
  botToken: telegramBotToken,
});
export type ConnectTelegramInput = z.infer<typeof connectTelegramInput>;

/** A connected channel as the console sees it: never its secrets (bot token, webhook secret). */
export interface SocialConnectionDto {
  id: string;
  channel: SocialChannel;
  site: string;
  /** The bot, as Telegram's getMe described it when it was connected. */
  account: { id: string; name: string; username?: string };
  /** Where the provider sends updates (Kamflo set it with setWebhook). */
  webhookUrl: string;
  connectedAt: string;
  lastInboundAt?: string;
}

/** An attachment of a social message: a file stored by the provider, or a place. */
export interface SocialAttachmentDto {
  kind: 'photo' | 'document' | 'audio' | 'voice' | 'video' | 'sticker' | 'location' | 'contact';
  name?: string;
  type?: string;
  size?: number;
  width?: number;
  height?: number;
  /** Seconds, for audio, voice and video. */
  duration?: number;
  latitude?: number;
  longitude?: number;
  /** GET this (agents only) to download the file through Kamflo. */
  url?: string;
}

/**
 * Where an agent's message in a social conversation stands with the provider. Telegram's Bot
 * API answers "sent" and has no delivered or read receipts for bots.
 */
export interface SocialDeliveryDto {
  channel: SocialChannel;
  state: DeliveryState;
  error?: string;
  nextAttemptAt?: string;
  attempts: number;
}

/** The console's labels, the same words as the sources. */
export const SOCIAL_CHANNEL_LABELS: Record<SocialChannel, string> = { telegram: 'Telegram' };

export interface SocialHttpApi {
  /** Admins: the connected social channels. */
  'GET /api/admin/channels': { res: SocialConnectionDto[] };
  /** Admins: connect a Telegram bot to a site (Kamflo calls setWebhook with a fresh secret token). */
  'POST /api/admin/channels/telegram': { body: ConnectTelegramInput; res: SocialConnectionDto };
  /** Admins: disconnect (Kamflo calls deleteWebhook; conversations and tickets stay). */
  'DELETE /api/admin/channels/:id': { res: { ok: true } };
  /** Agents: send a Failed message of a social conversation again (a fresh set of attempts). */
  'POST /api/channels/messages/:id/retry': { res: SocialDeliveryDto };
  /** Telegram's webhook: updates, checked by X-Telegram-Bot-Api-Secret-Token. */
  'POST /api/channels/telegram/:id/webhook': { res: { ok: true } };
}
