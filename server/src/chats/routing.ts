import { Types, type Connection } from 'mongoose';
import type { ChatRequestDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Presence } from '../agents/presence.ts';
import type { Notifier } from '../realtime/notify.ts';
import { conversationModel, type ConversationDoc } from './conversation.model.ts';
import type { Claims } from '../db/claims.ts';

/** Who routes a chat right now: the agent it's offered to, or `assigned:<agent>` once someone has it. */
export const routeKey = (conversationId: Types.ObjectId | string) => `route:${conversationId}`;
export const assignedOwner = (agentId: string) => `assigned:${agentId}`;

/**
 * Offers each waiting chat to one agent at a time. Routing state lives on the conversation
 * document; each step that only one may win (offer, accept, take, withdraw) first takes or
 * releases the chat's route claim (db/claims.ts), so two processes or two clicks can never offer
 * one chat to two agents or assign it twice.
 */
export function createRouter(deps: {
  conn: Connection;
  clock: Clock;
  presence: Presence;
  notify: Notifier;
  offerTimeoutMs: number;
  claims: Claims;
  log: Logger;
}) {
  const { claims } = deps;
  const { clock, presence, notify, offerTimeoutMs, log } = deps;
  const Conversation = conversationModel(deps.conn);

  /** Offer a queued chat to the best eligible agent: least loaded, then longest idle. */
  async function offerNext(conversationId: Types.ObjectId): Promise<void> {
    const conv = await Conversation.findById(conversationId).lean();
    if (!conv || conv.status !== 'queued') return;
    const declined = new Set(conv.declinedBy.map(String));
    const candidates = presence.onlineIds().filter((id) => !declined.has(id));
    if (candidates.length === 0) return;

    // Load = live chats plus open offers. A plain find, counted here: FerretDB 1.x has no $ifNull.
    const ids = candidates.map((id) => new Types.ObjectId(id));
    const busy = await Conversation.find(
      { status: { $in: ['active', 'offered'] }, $or: [{ assignee: { $in: ids } }, { offeredTo: { $in: ids } }] },
      { assignee: 1, offeredTo: 1 },
    ).lean();
    const loads = new Map<string, number>();
    for (const c of busy) {
      const id = String(c.assignee ?? c.offeredTo);
      loads.set(id, (loads.get(id) ?? 0) + 1);
    }
    candidates.sort(
      (a, b) => (loads.get(a) ?? 0) - (loads.get(b) ?? 0) || presence.idleSince(a) - presence.idleSince(b),
    );

    const agentId = new Types.ObjectId(candidates[0]);
    if (!(await claims.take(routeKey(conversationId), String(agentId)))) return; // someone else routes it
    const fresh = await Conversation.findById(conversationId, { status: 1 }).lean();
    if (fresh?.status !== 'queued') {
      await claims.release(routeKey(conversationId), String(agentId));
      return;
    }
    const now = clock.now();
    await Conversation.updateOne(
      { _id: conversationId },
      {
        $set: { status: 'offered', offeredTo: agentId, offerExpiresAt: new Date(now.getTime() + offerTimeoutMs), updatedAt: now },
        $push: { routing: { type: 'offered', agentId, at: now } },
      },
    );
  }

  /**
   * The offer ends without an accept (declined, timed out, or the agent's console went away):
   * back to the queue, never to be offered to that agent again, then on to the next one.
   * Returns false when the chat was not offered to that agent.
   */
  async function withdrawOffer(conversationId: Types.ObjectId, agentId: Types.ObjectId, reason: 'declined' | 'timeout'): Promise<boolean> {
    if (!(await claims.release(routeKey(conversationId), String(agentId)))) return false;
    const now = clock.now();
    await Conversation.updateOne(
      { _id: conversationId },
      {
        $set: { status: 'queued', offeredTo: null, offerExpiresAt: null, updatedAt: now },
        $addToSet: { declinedBy: agentId },
        $push: { routing: { type: reason, agentId, at: now } },
      },
    );
    await offerNext(conversationId);
    return true;
  }

  /** Offer every queued chat that has someone to go to, oldest first; then refresh consoles. */
  async function rebalance(): Promise<void> {
    if (presence.anyOnline()) {
      const queued = await Conversation.find({ status: 'queued' }, { _id: 1 }).sort({ waitingSince: 1 }).limit(100).lean();
      for (const c of queued) await offerNext(c._id);
    }
    await publishRequests();
  }

  /** Expired offers and offers to agents no longer online go back to the queue. */
  async function sweep(): Promise<void> {
    const now = clock.now();
    const stale = await Conversation.find(
      {
        status: 'offered',
        $or: [
          { offerExpiresAt: { $lte: now } },
          { offeredTo: { $nin: presence.onlineIds().map((id) => new Types.ObjectId(id)) } },
        ],
      },
      { _id: 1, offeredTo: 1 },
    ).lean();
    for (const c of stale) if (c.offeredTo) await withdrawOffer(c._id, c.offeredTo, 'timeout');
    await rebalance();
  }

  function toRequest(c: ConversationDoc, state: ChatRequestDto['state']): ChatRequestDto {
    const dto: ChatRequestDto = {
      conversationId: String(c._id),
      visitorName: c.visitorName,
      firstMessage: c.firstMessage,
      waitingSince: c.waitingSince.toISOString(),
      state,
    };
    if (c.page) dto.page = c.page;
    return dto;
  }

  /** What one agent sees: chats offered to them, then everything in the queue. */
  function requestsFor(agentId: string, pending: ConversationDoc[]): ChatRequestDto[] {
    return pending
      .filter((c) => c.status === 'queued' || String(c.offeredTo) === agentId)
      .map((c) => toRequest(c, c.status === 'offered' ? 'offered' : 'queued'));
  }

  async function pendingConversations(): Promise<ConversationDoc[]> {
    return Conversation.find({ status: { $in: ['queued', 'offered'] } }).sort({ waitingSince: 1 }).limit(200).lean();
  }

  const lastSent = new Map<string, string>();
  /**
   * Send each online agent their full request list: snapshots can't drift like deltas can.
   * An unchanged list is not sent again (new consoles ask with chat:list).
   */
  async function publishRequests(): Promise<void> {
    const pending = await pendingConversations();
    const online = presence.onlineIds();
    for (const id of lastSent.keys()) if (!online.includes(id)) lastSent.delete(id);
    for (const agentId of online) {
      const list = requestsFor(agentId, pending);
      const key = JSON.stringify(list);
      if (lastSent.get(agentId) === key) continue;
      lastSent.set(agentId, key);
      notify.agent(agentId, 'chat:requests', list);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  function startSweeping(intervalMs = 1000) {
    timer = setInterval(() => {
      sweep().catch((err) => log.warn({ err }, 'routing sweep failed'));
    }, intervalMs);
    timer.unref();
  }
  function stopSweeping() {
    if (timer) clearInterval(timer);
  }

  return { offerNext, withdrawOffer, rebalance, sweep, publishRequests, requestsFor, pendingConversations, startSweeping, stopSweeping };
}
export type Router = ReturnType<typeof createRouter>;
