import crypto from 'node:crypto';
import { Types } from 'mongoose';
import type { AgentPresenceDto, ChatRequestDto, QueueStateDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Presence } from '../agents/presence.ts';
import type { Notifier } from '../realtime/notify.ts';
import type { Claims } from '../db/claims.ts';
import type { Peers } from '../realtime/cluster.ts';
import type { ConversationDoc } from './conversation.model.ts';
import type { ConversationStore } from './conversation-store.ts';

/** Who routes a chat right now: the agent it's offered to, or `assigned:<agent>` once someone has it. */
export const routeKey = (conversationId: Types.ObjectId | string) => `route:${conversationId}`;
export const assignedOwner = (agentId: string) => `assigned:${agentId}`;

/** Rough wait per queued chat ahead of you, per available agent. */
const SECONDS_PER_CHAT = 90;

export type WithdrawReason = 'declined' | 'timeout' | 'offline';

/**
 * Offers each waiting chat to one agent at a time. Routing state lives on the conversation
 * document; each step that only one may win (offer, accept, take, withdraw) first takes or
 * releases the chat's route claim (db/claims.ts), so two processes or two clicks can never offer
 * one chat to two agents or assign it twice.
 */
export function createRouter(deps: {
  conversations: ConversationStore;
  clock: Clock;
  presence: Presence;
  notify: Notifier;
  claims: Claims;
  offerTimeoutMs: number;
  queueTimeoutMs: number;
  peers: Peers;
  log: Logger;
}) {
  const { conversations, clock, presence, notify, claims, offerTimeoutMs, peers, log } = deps;

  /** Live chats plus open offers, per agent (queried by status equality: see withStatus). */
  async function loads(agentIds: string[]): Promise<Map<string, number>> {
    const want = new Set(agentIds);
    const [active, offered] = await Promise.all([conversations.withStatus('active', { assignee: 1 }), conversations.withStatus('offered', { offeredTo: 1 })]);
    const n = new Map<string, number>();
    for (const id of [...active.map((c) => c.assignee), ...offered.map((c) => c.offeredTo)].map(String)) {
      if (want.has(id)) n.set(id, (n.get(id) ?? 0) + 1);
    }
    return n;
  }

  /** Offer a queued chat to the best eligible agent: under capacity, least loaded, then longest idle. */
  async function offerNext(conversationId: Types.ObjectId, only?: string): Promise<boolean> {
    const conv = await conversations.find(conversationId);
    if (conv?.status !== 'queued') return false;
    const declined = new Set(conv.declinedBy.map(String));
    const available = only ? [only] : presence.availableIds().filter((id) => !declined.has(id));
    if (available.length === 0) return false;
    const load = await loads(available);
    const candidates = available
      .filter((id) => (load.get(id) ?? 0) < presence.capacity(id))
      .sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || presence.idleSince(a) - presence.idleSince(b));
    const agentId = candidates[0];
    if (!agentId) return false;
    if (!(await claims.take(routeKey(conversationId), agentId))) return false; // someone else routes it
    const fresh = await conversations.find(conversationId, { status: 1 });
    if (fresh?.status !== 'queued') {
      await claims.release(routeKey(conversationId), agentId);
      return false;
    }
    const now = clock.now();
    await conversations.setOffered(conversationId, new Types.ObjectId(agentId), new Date(now.getTime() + offerTimeoutMs), now);
    return true;
  }

  /**
   * An offer ends without an accept. Declined or timed out: back to the queue, never offered to
   * that agent again. The agent went offline: back to the queue, and offered again when they
   * return. Returns false when the chat was not offered to that agent.
   */
  async function withdrawOffer(conversationId: Types.ObjectId, agentId: Types.ObjectId, reason: WithdrawReason): Promise<boolean> {
    if (!(await claims.release(routeKey(conversationId), String(agentId)))) return false;
    await conversations.setRequeued(conversationId, agentId, reason, clock.now());
    await offerNext(conversationId);
    return true;
  }

  /**
   * Offer queued chats, oldest first, while agents have room; then refresh everyone.
   * Calls that arrive while one runs are folded into one more pass, so a burst of new chats
   * costs a few passes, not one per chat.
   */
  const rebalance = coalesced(() => rebalanceOnce());

  async function rebalanceOnce(): Promise<void> {
    await presence.refresh();
    const available = presence.availableIds();
    if (available.length > 0) {
      const load = await loads(available);
      let room = available.reduce((n, id) => n + Math.max(0, presence.capacity(id) - (load.get(id) ?? 0)), 0);
      if (room > 0) {
        const queued = await conversations.withStatus('queued', { _id: 1 }, room * 3);
        for (const c of queued) {
          if (room <= 0) break;
          if (await offerNext(c._id)) room--;
        }
      }
    }
    await publishRequests();
  }

  /**
   * Expired offers, and offers to agents no longer present, go back to the queue. The full pass
   * (offer queued chats, refresh every list) runs when something changed, and at least every
   * `fullEvery` calls: queue estimates and "leave a message" depend on the time alone.
   */
  let sweeps = 0;
  let lastOnline = '';
  async function sweep(fullEvery = 1): Promise<void> {
    await presence.refresh();
    const now = clock.now();
    const online = presence.onlineIds();
    const offered = await conversations.withStatus('offered', { _id: 1, offeredTo: 1, offerExpiresAt: 1 });
    const stale = offered.filter((c) => (c.offerExpiresAt && c.offerExpiresAt <= now) || !online.includes(String(c.offeredTo)));
    for (const c of stale) {
      if (!c.offeredTo) continue;
      const reason = online.includes(String(c.offeredTo)) ? 'timeout' : 'offline';
      await withdrawOffer(c._id, c.offeredTo, reason);
    }
    const onlineNow = presence.availableIds().sort().join();
    const changed = stale.length > 0 || onlineNow !== lastOnline;
    lastOnline = onlineNow;
    if (changed || ++sweeps % fullEvery === 0) await rebalance();
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
    if (c.channel) dto.channel = c.channel;
    if (state === 'offered' && c.offerExpiresAt) dto.offerExpiresAt = c.offerExpiresAt.toISOString();
    if (state === 'offered' && c.transferNote) {
      dto.transferNote = c.transferNote;
      const from = c.handoffNotes?.at(-1)?.by;
      if (from) dto.transferFrom = from;
    }
    return dto;
  }

  /** What one agent sees: chats offered to them, then everything in the queue. */
  function requestsFor(agentId: string, pending: ConversationDoc[]): ChatRequestDto[] {
    return pending
      .filter((c) => c.status === 'queued' || String(c.offeredTo) === agentId)
      .map((c) => toRequest(c, c.status === 'offered' ? 'offered' : 'queued'));
  }

  async function pendingConversations(): Promise<ConversationDoc[]> {
    const [queued, offered] = await Promise.all([conversations.withStatus('queued', undefined, 500), conversations.withStatus('offered', undefined, 500)]);
    return [...queued, ...offered].sort((a, b) => a.waitingSince.getTime() - b.waitingSince.getTime()).slice(0, 500);
  }

  /** What each client was last sent, as a digest: unchanged snapshots are not sent again. */
  const lastRequests = new Map<string, string>();
  const lastQueue = new Map<string, string>();
  const lastPresence = { digest: '' };
  const digest = (v: unknown) => crypto.createHash('sha1').update(JSON.stringify(v)).digest('base64');
  interface Sent {
    requests: [string, string][];
    queue: [string, string][];
    presence?: string;
  }
  // Other processes send to the same clients: learn what they sent, so a change they already
  // pushed isn't repeated and a change back to what we last sent isn't skipped.
  peers.on('published', (payload) => {
    const sent = payload as Sent;
    for (const [id, d] of sent.requests) lastRequests.set(id, d);
    for (const [id, d] of sent.queue) lastQueue.set(id, d);
    if (sent.presence) lastPresence.digest = sent.presence;
  });

  /**
   * Send each online agent their full request list (snapshots can't drift like deltas can),
   * each waiting visitor their place in the queue, and team leads everyone's presence.
   * Unchanged snapshots are not sent again (new clients ask for the current state).
   */
  // A burst of accepts and declines costs a few passes too.
  const publishRequests = coalesced(() => publishOnce());
  async function publishOnce(): Promise<void> {
    const pending = await pendingConversations();
    const online = presence.onlineIds();
    const sent: Sent = { requests: [], queue: [] };
    for (const id of lastRequests.keys()) if (!online.includes(id)) lastRequests.delete(id);
    for (const agentId of online) {
      const list = requestsFor(agentId, pending);
      const d = digest(list);
      if (lastRequests.get(agentId) === d) continue;
      lastRequests.set(agentId, d);
      sent.requests.push([agentId, d]);
      notify.agent(agentId, 'chat:requests', list);
    }
    const stillWaiting = new Set<string>();
    pending.forEach((c, i) => {
      const state = queueState(c, i + 1);
      stillWaiting.add(state.conversationId);
      const d = digest(state);
      if (lastQueue.get(state.conversationId) === d) return;
      lastQueue.set(state.conversationId, d);
      sent.queue.push([state.conversationId, d]);
      notify.visitor(c.visitorId, 'chat:queue', state);
    });
    for (const id of lastQueue.keys()) if (!stillWaiting.has(id)) lastQueue.delete(id);
    const list = await presenceList(false);
    const d = digest(list);
    if (d !== lastPresence.digest) {
      lastPresence.digest = sent.presence = d;
      notify.leads('presence:updated', list);
    }
    if (sent.requests.length || sent.queue.length || sent.presence) peers.share('published', sent);
  }

  function queueState(c: ConversationDoc, position: number): QueueStateDto {
    const agents = presence.availableIds().length;
    return {
      conversationId: String(c._id),
      position,
      etaSeconds: Math.ceil((position * SECONDS_PER_CHAT) / Math.max(1, agents)),
      offerLeaveMessage: agents === 0 || clock.now().getTime() - c.waitingSince.getTime() >= deps.queueTimeoutMs,
    };
  }

  async function presenceList(refresh = true): Promise<AgentPresenceDto[]> {
    if (refresh) await presence.refresh();
    return presence.snapshot(await loads(presence.onlineIds()));
  }

  return {
    /**
     * After an acknowledgement: refresh everyone's lists, or route again, without making the
     * caller wait on the pass. A failed pass is logged; the next change or the sweeper repeats it.
     */
    publishSoon: () => void publishRequests().catch((err) => log.warn({ err }, 'publishing requests failed')),
    rebalanceSoon: () => void rebalance().catch((err) => log.warn({ err }, 'rebalance failed')),
    offerNext,
    withdrawOffer,
    rebalance,
    sweep,
    publishRequests,
    presenceList,
    requestsFor,
    pendingConversations,
    loads,
  };
}
export type Router = ReturnType<typeof createRouter>;

/**
 * Runs `pass` now, or, when a pass is already running, once more after it: every caller's
 * change is seen by a pass that started after it, and a burst costs two passes, not one each.
 */
function coalesced(pass: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
