import os from 'node:os';
import crypto from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { CreateWebhookInput, CreatedWebhookDto, WebhookDeliveryDto, WebhookDto, WebhookEvent } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Claims } from '../db/claims.ts';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import { toWebhookDeliveryDto, toWebhookDto, webhookModels, type WebhookDeliveryDoc, type WebhookDoc } from './webhook.model.ts';
import { signatureHeader } from './signature.ts';

/** An event as receivers get it: `id` is stable across retries (deduplicate by it). */
export interface WebhookPayload {
  id: string;
  type: WebhookEvent | 'ping';
  createdAt: string;
  data: unknown;
}

/** The wait before attempt n+1 is FIRST_RETRY_MS × 4^(n-1): 10 s, 40 s, 2.7 min, … about 11 h. */
export const FIRST_RETRY_MS = 10_000;
/** Attempts before a delivery fails for good. */
export const MAX_ATTEMPTS = 8;
/** An attempt's claim older than this belongs to a process that died mid-send. */
export const CLAIM_LEASE_MS = 5 * 60_000;
const SEND_TIMEOUT_MS = 10_000;
const CLAIM_PREFIX = 'webhook:';
export const SUBSCRIBERS_TTL_MS = 5000;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const retryDelayMs = (attempts: number) => FIRST_RETRY_MS * 4 ** (attempts - 1);

/**
 * Outgoing webhooks: admins register endpoints for events; each event is recorded as one
 * delivery per subscribed webhook (unique (webhook, event id): enqueued once however many
 * processes try), then sent from this durable outbox, signed, with exponential backoff. Each
 * attempt is taken by a claim, so across processes one attempt at a delivery runs at a time.
 */
export function createWebhooks(deps: {
  conn: Connection;
  clock: Clock;
  claims: Claims;
  log: Logger;
  /** Also accept http://localhost and http://127.0.0.1 endpoints (development, tests). */
  allowLocalhost: boolean;
  fetch?: typeof fetch;
}) {
  const { clock, claims, log } = deps;
  const doFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const { Webhook, WebhookDelivery } = webhookModels(deps.conn);
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

  function checkUrl(raw: string): string {
    const url = new URL(raw);
    if (url.username || url.password) throw badUrl('must not contain a user name or password');
    if (url.protocol === 'https:') return url.href;
    if (url.protocol === 'http:' && deps.allowLocalhost && LOCAL_HOSTS.has(url.hostname)) return url.href;
    throw badUrl(deps.allowLocalhost ? 'must be an https:// URL (or http://localhost, http://127.0.0.1)' : 'must be an https:// URL');
  }
  const badUrl = (why: string) => new AppError('bad_request', `Invalid input: url ${why}`, [{ path: 'url', message: why }]);

  async function create(input: CreateWebhookInput): Promise<CreatedWebhookDto> {
    const secret = `whsec_${crypto.randomBytes(32).toString('base64url')}`;
    const doc = await Webhook.create({
      url: checkUrl(input.url),
      events: input.events,
      ...(input.description ? { description: input.description } : {}),
      secret,
      createdAt: clock.now(),
    });
    forget();
    return { webhook: toWebhookDto(doc.toObject()), secret };
  }

  async function list(): Promise<WebhookDto[]> {
    return (await Webhook.find().sort({ createdAt: -1 }).limit(200).lean()).map(toWebhookDto);
  }

  async function remove(id: string): Promise<void> {
    const res = await Webhook.deleteOne({ _id: id });
    forget();
    if (!res.deletedCount) throw new AppError('not_found', 'No such webhook');
    await WebhookDelivery.deleteMany({ webhookId: new Types.ObjectId(id) });
  }

  async function deliveries(id: string): Promise<WebhookDeliveryDto[]> {
    if (!(await Webhook.exists({ _id: id }))) throw new AppError('not_found', 'No such webhook');
    const docs = await WebhookDelivery.find({ webhookId: new Types.ObjectId(id) })
      .sort({ createdAt: -1 })
      .limit(100)
      .lean();
    return docs.map(toWebhookDeliveryDto);
  }

  /** Record one delivery; the same (webhook, event id) again finds the first. */
  async function record(webhookId: Types.ObjectId, payload: WebhookPayload): Promise<WebhookDeliveryDoc> {
    const now = clock.now();
    const doc: WebhookDeliveryDoc = {
      _id: new Types.ObjectId(),
      webhookId,
      eventId: payload.id,
      event: payload.type,
      body: JSON.stringify(payload),
      state: 'queued',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await WebhookDelivery.create(doc);
      return doc;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      return (await WebhookDelivery.findOne({ webhookId, eventId: payload.id }).lean())!;
    }
  }

  /** Queue an event for every webhook subscribed to it (once per webhook, however often called), then send soon. */
  // Who subscribed to what, read at most every SUBSCRIBERS_TTL_MS: every chat message is an
  // event, and most installations have no webhook. A webhook created or removed here is seen at
  // once; one created on another process within that time.
  let subscribers: { at: number; list: Promise<Pick<WebhookDoc, '_id' | 'events'>[]> } | null = null;
  const forget = () => {
    subscribers = null;
  };
  function subscribed(type: WebhookPayload['type']) {
    const now = clock.now().getTime();
    if (!subscribers || now - subscribers.at >= SUBSCRIBERS_TTL_MS || now < subscribers.at) {
      const list = Webhook.find({}, { _id: 1, events: 1 }).limit(200).lean().exec();
      subscribers = { at: now, list };
      list.catch(forget);
    }
    return subscribers.list.then((all) => all.filter((w) => (w.events as string[]).includes(type)));
  }

  async function enqueue(payload: WebhookPayload): Promise<number> {
    const hooks = await subscribed(payload.type);
    for (const h of hooks) await record(h._id, payload);
    if (hooks.length) runSoon();
    return hooks.length;
  }

  const pending = new Set<Promise<unknown>>();
  /** Fire and forget (after the write that caused the event), logging failures. `idle()` waits for these. */
  function emit(payload: WebhookPayload): void {
    const p = enqueue(payload)
      .catch((err) => log.warn({ err, event: payload.id }, 'webhooks: could not queue an event'))
      .finally(() => pending.delete(p));
    pending.add(p);
  }
  /** Every emitted event is queued (tests, shutdown). */
  async function idle(): Promise<void> {
    while (pending.size) await Promise.all([...pending]);
  }

  async function sendTest(id: string): Promise<WebhookDeliveryDto> {
    const w = await Webhook.findById(id, { _id: 1 }).lean();
    if (!w) throw new AppError('not_found', 'No such webhook');
    const eventId = `ping_${crypto.randomBytes(8).toString('hex')}`;
    const d = await record(w._id, { id: eventId, type: 'ping', createdAt: clock.now().toISOString(), data: { webhookId: id } });
    return toWebhookDeliveryDto((await attempt(d._id)) ?? d);
  }

  async function takeClaim(id: string): Promise<boolean> {
    const key = CLAIM_PREFIX + id;
    if (await claims.take(key, owner, clock.now())) return true;
    const holder = await claims.holder(key);
    if (!holder || holder.owner === owner) return false;
    if (clock.now().getTime() - holder.at.getTime() < CLAIM_LEASE_MS) return false;
    log.warn({ delivery: id, holder: holder.owner }, 'webhooks: taking over an attempt whose process stopped mid-send');
    await claims.release(key, holder.owner);
    return claims.take(key, owner, clock.now());
  }

  async function post(url: string, secret: string, d: WebhookDeliveryDoc): Promise<{ ok: boolean; status?: number; error?: string }> {
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Kamflo-Webhooks',
          'kamflo-event': d.event,
          'kamflo-event-id': d.eventId,
          'kamflo-signature': signatureHeader(secret, d.body, clock.now()),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await res.body?.cancel().catch(() => {});
      return res.status >= 200 && res.status < 300 ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, error: (err as Error).name === 'TimeoutError' ? 'No answer within 10 s' : `Could not connect: ${(err as Error).message}` };
    }
  }

  /** One attempt at one delivery, if it is due and nobody else is on it. */
  async function attempt(id: Types.ObjectId): Promise<WebhookDeliveryDoc | null> {
    if (!(await takeClaim(String(id)))) return null;
    try {
      const d = await WebhookDelivery.findById(id).lean();
      if (!d || (d.state !== 'queued' && d.state !== 'retrying') || (d.nextAttemptAt && d.nextAttemptAt > clock.now())) return d;
      const w = await Webhook.findById(d.webhookId).lean();
      if (!w) {
        // Queued from a stale subscriber list just as the webhook was removed: nothing to send to.
        await WebhookDelivery.deleteOne({ _id: id });
        return null;
      }
      const result = await post(w.url, w.secret, d);
      const now = clock.now();
      const attempts = d.attempts + 1;
      const set: Partial<WebhookDeliveryDoc> = result.ok
        ? { state: 'sent', nextAttemptAt: null }
        : attempts >= MAX_ATTEMPTS
          ? { state: 'failed', nextAttemptAt: null, lastError: `Gave up after ${attempts} attempts: ${result.error}` }
          : { state: 'retrying', nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)), lastError: result.error! };
      if (result.status !== undefined) set.responseStatus = result.status;
      const unset = result.status === undefined ? { responseStatus: 1 } : {};
      const updated = await WebhookDelivery.findOneAndUpdate(
        { _id: id },
        { $set: { ...set, attempts, updatedAt: now }, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        { new: true },
      ).lean();
      if (set.state !== 'sent') log.info({ delivery: String(id), error: set.lastError, state: set.state }, 'webhooks: attempt failed');
      return updated;
    } finally {
      await claims.release(CLAIM_PREFIX + String(id), owner).catch(() => {});
    }
  }

  let running: Promise<number> | null = null;
  let again = false;
  /** Send everything due now (tests call this with a moved clock instead of waiting). Calls during a pass fold into one more. */
  function runDue(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let sent = 0;
      try {
        do {
          again = false;
          const due = await WebhookDelivery.find({ state: { $in: ['queued', 'retrying'] }, nextAttemptAt: { $lte: clock.now() } }, { _id: 1 })
            .sort({ nextAttemptAt: 1 })
            .limit(100)
            .lean();
          for (const { _id } of due) if ((await attempt(_id))?.state === 'sent') sent++;
        } while (again);
      } finally {
        running = null;
      }
      return sent;
    })();
    return running;
  }

  let stopped = false;
  let autoSend = true;
  function runSoon(): void {
    if (!autoSend) return;
    setImmediate(() => {
      if (!stopped) runDue().catch((err) => log.warn({ err }, 'webhook pass failed'));
    });
  }

  let timer: NodeJS.Timeout | undefined;
  function start(intervalMs: number) {
    timer = setInterval(() => runDue().catch((err) => log.warn({ err }, 'webhook pass failed')), intervalMs);
    timer.unref();
  }
  async function stop() {
    stopped = true;
    clearInterval(timer);
    await idle().catch(() => {});
    await running?.catch(() => {});
  }

  return {
    create,
    list,
    remove,
    deliveries,
    enqueue,
    emit,
    idle,
    sendTest,
    attempt,
    runDue,
    start,
    stop,
    /** Tests: queue without sending, so they drive every attempt with runDue(). */
    manualSending() {
      autoSend = false;
    },
    WebhookDelivery,
  };
}
export type Webhooks = ReturnType<typeof createWebhooks>;
