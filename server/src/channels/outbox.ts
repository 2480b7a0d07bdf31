import os from 'node:os';
import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Channel } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Claims } from '../db/claims.ts';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { ChannelResult, CustomerChannel } from './channel.ts';
import { deliveryModel, type DeliveryDoc } from './delivery.model.ts';

/** Waits between attempts after a temporary failure; after the last one the delivery fails. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 3600_000, 2 * 3600_000, 4 * 3600_000, 8 * 3600_000];
/** An attempt's claim older than this belongs to a process that died mid-send: take it over. */
export const CLAIM_LEASE_MS = 5 * 60_000;
const CLAIM_PREFIX = 'outbox:';

/**
 * The durable outbox. A customer-facing message is recorded first (one delivery document per
 * channel), then sent. Each attempt is taken by a claim (db/claims.ts), so across several
 * processes one attempt runs at a time; the claim holder re-reads the delivery before sending,
 * so a process that read a stale list never sends what another already sent.
 */
export function createOutbox(deps: {
  conn: Connection;
  clock: Clock;
  claims: Claims;
  log: Logger;
  channels: Partial<Record<Channel, CustomerChannel>>;
  /** Told after every state change (the console shows delivery state live). */
  onChange: (d: DeliveryDoc) => void;
}) {
  const { clock, claims, log, channels } = deps;
  const Delivery = deliveryModel(deps.conn);
  // Who holds our claims. A restarted process takes its predecessor's name (main.ts) and frees
  // what that one held; until then a random one.
  let owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

  /** Store deliveries once (same id twice: the first copy stays). */
  async function record(docs: Omit<DeliveryDoc, 'state' | 'attempts' | 'nextAttemptAt' | 'createdAt' | 'updatedAt'>[]): Promise<DeliveryDoc[]> {
    const now = clock.now();
    const out: DeliveryDoc[] = [];
    for (const d of docs) {
      const doc: DeliveryDoc = { ...d, state: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now };
      try {
        await Delivery.create(doc);
        out.push(doc);
        deps.onChange(doc);
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        const first = await Delivery.findById(d._id).lean();
        if (first) out.push(first);
      }
    }
    return out;
  }

  async function takeClaim(id: string): Promise<boolean> {
    const key = CLAIM_PREFIX + id;
    if (await claims.take(key, owner, clock.now())) return true;
    const holder = await claims.holder(key);
    if (!holder || holder.owner === owner) return false;
    if (clock.now().getTime() - holder.at.getTime() < CLAIM_LEASE_MS) return false;
    log.warn({ delivery: id, holder: holder.owner }, 'outbox: taking over an attempt whose process stopped mid-send');
    await claims.release(key, holder.owner);
    return claims.take(key, owner, clock.now());
  }

  /** One attempt at one delivery, if it is due and no one else is on it. */
  async function attempt(id: string): Promise<DeliveryDoc | null> {
    if (!(await takeClaim(id))) return null;
    try {
      const d = await Delivery.findById(id).lean();
      if (!d || (d.state !== 'queued' && d.state !== 'retrying') || (d.nextAttemptAt && d.nextAttemptAt > clock.now())) return d;
      const channel = channels[d.channel];
      const result: ChannelResult | null = channel
        ? await channel.send(d).catch((err: Error) => ({ ok: false as const, permanent: false, error: err.message }))
        : null;
      const now = clock.now();
      const attempts = d.attempts + 1;
      let set: Partial<DeliveryDoc>;
      if (!result) set = { state: 'failed', lastError: `The ${d.channel} channel is not configured on this server`, nextAttemptAt: null };
      else if (result.ok) set = { state: 'sent', sentAt: now, nextAttemptAt: null };
      else if (result.permanent) set = { state: 'failed', lastError: result.error, nextAttemptAt: null };
      else if (attempts > RETRY_DELAYS_MS.length)
        set = { state: 'failed', lastError: `Gave up after ${attempts} attempts: ${result.error}`, nextAttemptAt: null };
      else
        set = {
          state: 'retrying',
          lastError: result.error,
          nextAttemptAt: new Date(now.getTime() + (result.retryAfterMs ?? RETRY_DELAYS_MS[attempts - 1]!)),
        };
      const updated = await Delivery.findOneAndUpdate({ _id: id }, { $set: { ...set, attempts, updatedAt: now } }, { new: true }).lean();
      if (set.state === 'failed') log.warn({ delivery: id, error: set.lastError }, 'outbox: delivery failed');
      else if (set.state === 'retrying') log.info({ delivery: id, error: set.lastError, next: set.nextAttemptAt }, 'outbox: will retry');
      if (updated) deps.onChange(updated);
      return updated;
    } finally {
      await claims.release(CLAIM_PREFIX + id, owner).catch(() => {});
    }
  }

  let running: Promise<number> | null = null;
  let again = false;
  /**
   * Send everything due now (tests call this instead of waiting for the timer). Calls during a
   * pass fold into one more pass.
   */
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
          const due = await Delivery.find({ state: { $in: ['queued', 'retrying'] }, nextAttemptAt: { $lte: clock.now() } }, { _id: 1 })
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
  /** After the acknowledgement of a request: send soon, logging (never throwing) failures. */
  function runSoon(): void {
    setImmediate(() => {
      if (!stopped) runDue().catch((err) => log.warn({ err }, 'outbox pass failed'));
    });
  }

  /** An agent's Retry: a failed delivery goes back to the outbox with a fresh set of attempts. */
  async function retry(id: string): Promise<DeliveryDoc> {
    const d = await Delivery.findById(id).lean();
    if (!d) throw new AppError('not_found', 'No such delivery');
    if (d.state !== 'failed') throw new AppError('conflict', `This delivery is ${d.state}; only a failed one can be retried`);
    if (!channels[d.channel]) throw new AppError('conflict', `The ${d.channel} channel is not configured on this server`);
    if (!(await takeClaim(id))) throw new AppError('conflict', 'This delivery is being sent right now');
    let updated: DeliveryDoc | null;
    try {
      const now = clock.now();
      updated = await Delivery.findOneAndUpdate(
        { _id: id, state: 'failed' },
        { $set: { state: 'queued', attempts: 0, nextAttemptAt: now, updatedAt: now } },
        { new: true },
      ).lean();
    } finally {
      await claims.release(CLAIM_PREFIX + id, owner);
    }
    if (!updated) throw new AppError('conflict', 'This delivery changed meanwhile; reload');
    deps.onChange(updated);
    runSoon();
    return updated;
  }

  /**
   * Take a stable name (host and port: only one live process can hold a port) and free the claims
   * a previous process of that name left when it was killed mid-send: they are retried at once
   * instead of after the lease.
   */
  async function adopt(name: string): Promise<void> {
    owner = name;
    const freed = await claims.releaseAllOf(name, CLAIM_PREFIX);
    if (freed) log.info({ freed }, 'outbox: freed the attempts a previous run of this process left unfinished');
  }

  async function forTicket(ticketId: DeliveryDoc['ticketId']): Promise<DeliveryDoc[]> {
    return Delivery.find({ ticketId }).sort({ seq: 1, _id: 1 }).lean();
  }

  let timer: NodeJS.Timeout | undefined;
  function start(intervalMs: number) {
    timer = setInterval(() => runDue().catch((err) => log.warn({ err }, 'outbox pass failed')), intervalMs);
    timer.unref();
  }
  async function stop() {
    stopped = true;
    clearInterval(timer);
    await running?.catch(() => {});
  }

  return { record, attempt, runDue, runSoon, retry, adopt, forTicket, start, stop, Delivery, owner: () => owner };
}
export type Outbox = ReturnType<typeof createOutbox>;
