import crypto from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { ConnectTelegramInput, MessageDto, SocialConnectionDto, SocialDeliveryDto } from '@kamflo/shared';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { AppError, isDuplicateKey } from '../../lib/errors.ts';
import type { Notifier } from '../../realtime/notify.ts';
import type { ChatService } from '../../chats/chat.service.ts';
import type { ConversationStore } from '../../chats/conversation-store.ts';
import type { ConversationDoc } from '../../chats/conversation.model.ts';
import { toMessageDto } from '../../chats/message.model.ts';
import type { CustomerChannel, ChannelResult } from '../../channels/channel.ts';
import { deliveryModel, type DeliveryDoc } from '../../channels/delivery.model.ts';
import type { Outbox } from '../../channels/outbox.ts';
import { socialConnectionModel, socialInboundModel, toSocialConnectionDto, type SocialConnectionDoc, type SocialInboundDoc } from '../social.model.ts';
import { createTelegramApi } from './telegram-api.ts';
import { readTelegramUpdate, telegramUpdate } from './telegram-update.ts';

/** Telegram's limit for one message's text; longer replies go in parts. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** A received message not processed after this long (a crash after the acknowledgement) is processed by the sweep. */
const STALE_INBOUND_MS = 30_000;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest();
export const telegramVisitorId = (chatId: string) => `telegram:${chatId}`;
const chatIdOf = (visitorId: string) => visitorId.slice('telegram:'.length);

/** Splits a text into parts Telegram accepts, at line breaks or spaces when it can. */
export function telegramParts(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > TELEGRAM_TEXT_LIMIT) {
    const window = rest.slice(0, TELEGRAM_TEXT_LIMIT);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > TELEGRAM_TEXT_LIMIT / 2 ? cut : TELEGRAM_TEXT_LIMIT;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[\n ]/, '');
  }
  if (rest.length || !parts.length) parts.push(rest);
  return parts;
}

/**
 * Telegram (Bot API): admins connect a bot per site; its private chats become conversations,
 * routed like live chats; agents' messages, ticket replies and closing messages go back through
 * the outbox (channels/outbox.ts) with sendMessage.
 */
export function createTelegram(deps: {
  conn: Connection;
  clock: Clock;
  log: Logger;
  notify: Notifier;
  apiUrl: string;
  publicUrl?: string;
  chats: ChatService;
  conversations: ConversationStore;
  siteExists: (site: string) => Promise<boolean>;
}) {
  const { clock, log, conversations, chats } = deps;
  const Connection = socialConnectionModel(deps.conn);
  const Inbound = socialInboundModel(deps.conn);
  const Delivery = deliveryModel(deps.conn);
  const api = createTelegramApi(deps.apiUrl);
  let outbox: Outbox | null = null;

  // ---- Connections (admins) ----------------------------------------------------------------

  async function list(): Promise<SocialConnectionDto[]> {
    return (await Connection.find({ channel: 'telegram' }).sort({ site: 1 }).lean()).map(toSocialConnectionDto);
  }

  /**
   * Connect a bot to a site: getMe checks the token, the connection is stored with a fresh
   * webhook secret, then setWebhook points Telegram at it. Connecting a site again replaces its
   * bot (and the secret).
   */
  async function connect(input: ConnectTelegramInput): Promise<SocialConnectionDto> {
    if (!deps.publicUrl) throw new AppError('conflict', "Set KAMFLO_PUBLIC_URL to the https address Telegram can reach: the bot's webhook URL is made from it");
    if (!(await deps.siteExists(input.site))) throw new AppError('not_found', `No site "${input.site}"`);
    const me = await api.getMe(input.botToken);
    if (!me.ok) {
      if (me.permanent) throw new AppError('bad_request', `Telegram refused this bot token (${me.description})`);
      throw new AppError('unavailable', `Could not check the bot token: ${me.description}`);
    }
    const bot = me.result;
    const other = await Connection.findOne({ channel: 'telegram', 'account.id': String(bot.id) }).lean();
    if (other && other.site !== input.site)
      throw new AppError('conflict', `This bot is already connected to the site "${other.site}"; disconnect it there first`);
    const existing = await Connection.findOne({ channel: 'telegram', site: input.site }).lean();
    const id = existing?._id ?? new Types.ObjectId();
    const webhookUrl = `${deps.publicUrl.replace(/\/+$/, '')}/api/channels/telegram/${id}/webhook`;
    const doc: SocialConnectionDoc = {
      _id: id,
      channel: 'telegram',
      site: input.site,
      account: { id: String(bot.id), name: [bot.first_name, bot.last_name].filter(Boolean).join(' '), ...(bot.username ? { username: bot.username } : {}) },
      botToken: input.botToken,
      webhookSecret: crypto.randomBytes(32).toString('base64url'),
      webhookUrl,
      connectedAt: clock.now(),
    };
    // Stored before setWebhook, so the first update (it may come at once) finds its secret.
    try {
      await Connection.replaceOne({ _id: id }, doc, { upsert: true });
    } catch (e) {
      if (isDuplicateKey(e)) throw new AppError('conflict', 'This bot or site was connected meanwhile; reload');
      throw e;
    }
    const set = await api.setWebhook(input.botToken, webhookUrl, doc.webhookSecret);
    if (!set.ok) {
      if (existing) await Connection.replaceOne({ _id: id }, existing);
      else await Connection.deleteOne({ _id: id });
      throw new AppError(set.permanent ? 'bad_request' : 'unavailable', `Telegram did not set the webhook (${set.description})`);
    }
    log.info({ site: input.site, bot: bot.username ?? bot.id }, 'telegram: bot connected');
    return toSocialConnectionDto(doc);
  }

  /** Disconnect: deleteWebhook (a failure is logged: the bot's token may be revoked already), then forget the token. */
  async function disconnect(id: string): Promise<void> {
    const c = Types.ObjectId.isValid(id) ? await Connection.findById(id).lean() : null;
    if (!c) throw new AppError('not_found', 'No such channel');
    const r = await api.deleteWebhook(c.botToken);
    if (!r.ok) log.warn({ site: c.site, error: r.description }, 'telegram: deleteWebhook failed; the connection is removed anyway');
    await Connection.deleteOne({ _id: c._id });
  }

  // ---- Inbound -----------------------------------------------------------------------------

  /**
   * A webhook request: the secret first (missing or wrong: 401, nothing read or stored), then the
   * update is stored once by its message and acknowledged; processing runs after the answer.
   */
  async function receive(connectionId: string, secret: string | undefined, body: unknown): Promise<void> {
    const c = Types.ObjectId.isValid(connectionId) ? await Connection.findById(connectionId).lean() : null;
    if (!c || typeof secret !== 'string' || !crypto.timingSafeEqual(sha256(secret), sha256(c.webhookSecret)))
      throw new AppError('unauthorized', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token');
    const parsed = telegramUpdate.safeParse(body);
    if (!parsed.success)
      throw new AppError(
        'bad_request',
        `Not a Telegram update: ${parsed.error.issues[0]?.path.join('.') || 'body'} ${parsed.error.issues[0]?.message ?? ''}`.trim(),
      );
    const read = readTelegramUpdate(body as Record<string, unknown>, parsed.data);
    if ('ignored' in read) {
      log.info({ site: c.site, update: parsed.data.update_id, reason: read.ignored }, 'telegram: update left alone');
      return;
    }
    const now = clock.now();
    const doc: SocialInboundDoc = {
      _id: `telegram:${c._id}:${read.key}`,
      channel: 'telegram',
      connectionId: c._id,
      state: 'received',
      chatId: read.chatId,
      name: read.name,
      ...(read.handle ? { handle: read.handle } : {}),
      text: read.text,
      attachments: read.attachments,
      sentAt: read.sentAt,
      receivedAt: now,
      attempts: 0,
    };
    try {
      await Inbound.create(doc);
    } catch (e) {
      // Telegram retried (or sent it twice): stored already; process it if that never finished.
      if (!isDuplicateKey(e)) throw e;
    }
    setImmediate(() => void process(doc._id).catch((err) => log.warn({ err, inbound: doc._id }, 'telegram: processing an update failed; the sweep retries')));
  }

  // One chat's messages are processed one after another, in the order they were received.
  const lanes = new Map<string, Promise<unknown>>();
  function inLane<T>(key: string, run: () => Promise<T>): Promise<T> {
    const result = (lanes.get(key) ?? Promise.resolve()).then(run, run);
    const tail = result.catch(() => {});
    lanes.set(key, tail);
    void tail.then(() => {
      if (lanes.get(key) === tail) lanes.delete(key);
    });
    return result;
  }

  /** Turn a stored inbound message into a conversation message (repeatable: the clientId is the message's key). */
  async function process(id: string): Promise<void> {
    const first = await Inbound.findById(id).lean();
    if (first?.state !== 'received') return;
    await inLane(`${first.connectionId}:${first.chatId}`, async () => {
      const i = await Inbound.findById(id).lean();
      if (i?.state !== 'received') return;
      const c = await Connection.findById(i.connectionId).lean();
      if (!c) return void (await Inbound.updateOne({ _id: id }, { $set: { state: 'stored', lastError: 'The bot was disconnected' } }));
      try {
        const { conv, message } = await chats.socialCustomerWrites(
          { site: c.site, visitorId: telegramVisitorId(i.chatId), name: i.name },
          { channel: 'telegram', connectionId: c._id, ...(i.handle ? { handle: i.handle } : {}) },
          { clientId: `tg_${id.split(':').slice(3).join('_')}`, text: i.text, ...(i.attachments.length ? { attachments: i.attachments } : {}) },
        );
        const now = clock.now();
        await Inbound.updateOne(
          { _id: id },
          { $set: { state: 'stored', conversationId: conv._id, messageId: new Types.ObjectId(message.id) }, $inc: { attempts: 1 } },
        );
        await Connection.updateOne({ _id: c._id }, { $set: { lastInboundAt: now } });
      } catch (err) {
        await Inbound.updateOne({ _id: id }, { $set: { lastError: (err as Error).message }, $inc: { attempts: 1 } });
        throw err;
      }
    });
  }

  /** Messages acknowledged but not processed (a crash, a failure): tests call this by hand. */
  async function processPending(): Promise<number> {
    const due = await Inbound.find({ state: 'received', receivedAt: { $lte: new Date(clock.now().getTime() - STALE_INBOUND_MS) } }, { _id: 1 })
      .sort({ receivedAt: 1 })
      .limit(100)
      .lean();
    let n = 0;
    for (const { _id } of due) {
      await process(_id).then(
        () => n++,
        (err) => log.warn({ err, inbound: _id }, 'telegram: processing an update failed'),
      );
    }
    return n;
  }

  // ---- Outbound ----------------------------------------------------------------------------

  /** One attempt: the parts not yet accepted, in order (a retry resumes after the last accepted part). */
  async function send(d: DeliveryDoc): Promise<ChannelResult> {
    const t = d.telegram;
    if (!t) return { ok: false, permanent: true, error: 'Nothing to send (the delivery has no Telegram message)' };
    const c = Types.ObjectId.isValid(t.connectionId) ? await Connection.findById(t.connectionId).lean() : null;
    if (!c) return { ok: false, permanent: true, error: 'The Telegram bot of this conversation is no longer connected' };
    const parts = telegramParts(t.text);
    for (let i = t.sentParts ?? 0; i < parts.length; i++) {
      const r = await api.sendMessage(c.botToken, t.chatId, parts[i]!);
      if (!r.ok) {
        return {
          ok: false,
          permanent: r.permanent,
          error: r.description,
          ...(r.retryAfterSeconds !== undefined ? { retryAfterMs: r.retryAfterSeconds * 1000 } : {}),
        };
      }
      if (parts.length > 1) await Delivery.updateOne({ _id: d._id }, { $set: { 'telegram.sentParts': i + 1 } });
    }
    return { ok: true };
  }

  /** The customer-facing channel of tickets converted from a Telegram conversation. */
  const channel: CustomerChannel = {
    name: 'telegram',
    inline: false,
    carries: (kind) => kind === 'reply',
    async reach(t) {
      if (t.source !== 'telegram' || !t.conversationId) return null;
      const conv = await conversations.find(t.conversationId, { channel: 1, connectionId: 1, visitorId: 1, handle: 1, visitorName: 1 });
      if (conv?.channel !== 'telegram' || !conv.connectionId) return null;
      return { to: conv.handle ?? conv.visitorName, conversationId: String(conv._id) };
    },
    async prepare(t, m) {
      const conv = await conversations.get(t.conversationId!);
      return { telegram: { connectionId: String(conv.connectionId), chatId: chatIdOf(conv.visitorId), text: m.text } };
    },
    send,
  };

  /**
   * A message went out in a conversation: an agent's or Kamflo's (joined, transferred, ended,
   * now a ticket) in a Telegram conversation goes to the customer through the outbox. Called
   * again on a retried send: the delivery's id is the message's, so it is recorded once.
   */
  async function onChatMessage(conv: ConversationDoc, message: MessageDto): Promise<void> {
    if (conv.channel !== 'telegram' || !conv.connectionId || message.author === 'visitor' || !outbox) return;
    const [d] = await outbox.record([
      {
        _id: `message:${message.id}:telegram`,
        conversationId: String(conv._id),
        messageId: message.id,
        seq: message.seq,
        kind: 'reply',
        channel: 'telegram',
        to: conv.handle ?? conv.visitorName,
        telegram: {
          connectionId: String(conv.connectionId),
          chatId: chatIdOf(conv.visitorId),
          text: message.text,
        },
      },
    ]);
    // First attempts of one conversation in the order its messages were written.
    if (d?.state === 'queued') await inLane(`out:${conv._id}`, () => outbox!.attempt(d._id));
  }

  // State changes of a conversation message's delivery, mirrored onto the message in order.
  function onDelivery(d: DeliveryDoc): void {
    if (d.channel !== 'telegram' || !d.messageId || !d.conversationId) return;
    const messageId = new Types.ObjectId(d.messageId);
    const conversationId = d.conversationId;
    void inLane(`mirror:${d.messageId}`, async () => {
      const m = await conversations.setSocialDelivery(messageId, {
        channel: 'telegram',
        state: d.state,
        attempts: d.attempts,
        ...(d.lastError && d.state !== 'sent' ? { error: d.lastError } : {}),
        ...(d.nextAttemptAt && d.state === 'retrying' ? { nextAttemptAt: d.nextAttemptAt } : {}),
      });
      const conv = await conversations.find(conversationId, { assignee: 1 });
      if (m && conv?.assignee) deps.notify.agent(String(conv.assignee), 'chat:message', toMessageDto(m));
    }).catch((err) => log.warn({ err, delivery: d._id }, 'telegram: showing a delivery state on its message failed'));
  }

  /** An agent's Retry on a Failed message: only the agent in that chat. */
  async function retry(agentId: Types.ObjectId, messageId: string): Promise<SocialDeliveryDto> {
    const m = await conversations.messageById(messageId);
    const conv = m ? await conversations.find(m.conversationId, { assignee: 1, channel: 1 }) : null;
    if (!m || !conv?.channel) throw new AppError('not_found', 'No such message');
    if (String(conv.assignee) !== String(agentId)) throw new AppError('forbidden', 'Only the agent in this chat can retry its messages');
    if (!outbox) throw new AppError('unavailable', 'The outbox is not running');
    const d = await outbox.retry(`message:${messageId}:telegram`);
    return { channel: 'telegram', state: d.state, attempts: d.attempts };
  }

  /** A file of a Telegram message, fetched from Telegram (getFile, then the file) for an agent. */
  async function file(messageId: string, index: number): Promise<{ response: Response; name: string } | null> {
    const m = Types.ObjectId.isValid(messageId) ? await conversations.messageById(messageId) : null;
    const a = m?.attachments?.[index];
    if (!m || !a?.fileId) return null;
    const conv = await conversations.find(m.conversationId, { connectionId: 1, channel: 1 });
    const c = conv?.connectionId ? await Connection.findById(conv.connectionId).lean() : null;
    if (!c) throw new AppError('conflict', 'The Telegram bot of this conversation is no longer connected');
    const f = await api.getFile(c.botToken, a.fileId);
    if (!f.ok || !f.result.file_path) throw new AppError('unavailable', `Telegram did not hand out the file (${f.ok ? 'no file path' : f.description})`);
    const response = await api.download(c.botToken, f.result.file_path);
    if (!response) throw new AppError('unavailable', 'Telegram did not send the file');
    return { response, name: a.name ?? f.result.file_path.split('/').pop() ?? `${a.kind}` };
  }

  let timer: NodeJS.Timeout | undefined;
  return {
    channel,
    list,
    connect,
    disconnect,
    receive,
    process,
    processPending,
    onChatMessage,
    onDelivery,
    file,
    retry,
    Inbound,
    /** The outbox, once the channels exist (they are built with this channel in them). */
    useOutbox(o: Outbox) {
      outbox = o;
    },
    start(intervalMs: number) {
      timer = setInterval(() => processPending().catch((err) => log.warn({ err }, 'telegram: sweep failed')), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
export type Telegram = ReturnType<typeof createTelegram>;
