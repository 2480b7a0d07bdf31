import crypto from 'node:crypto';
import { Types } from 'mongoose';
import type {
  AgentSyncInput,
  ChatMessageInput,
  ChatStartInput,
  ChatSyncInput,
  ConversationDto,
  MessageAuthor,
  MessageDto,
  VisitorConversationDto,
  SocialChannel,
} from '@kamflo/shared';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Notifier } from '../realtime/notify.ts';
import type { Presence } from '../agents/presence.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { VisitorIdentity } from '../visitors/visitor-token.ts';
import { toConversationDto, toVisitorConversationDto, type ConversationDoc } from './conversation.model.ts';
import { toMessageDto, type MessageDoc } from './message.model.ts';
import type { ConversationGuard, ConversationStore } from './conversation-store.ts';
import { assignedOwner, routeKey, type Router } from './routing.ts';
import type { Claims } from '../db/claims.ts';

type Agent = Pick<AgentDoc, '_id' | 'name'>;
type NewMessage = { clientId: string; author: MessageAuthor; authorId?: string; authorName?: string; text: string; attachments?: MessageDoc['attachments'] };
/** Where a social conversation comes from (social/): stored on the conversation it opens. */
export type SocialOrigin = { channel: SocialChannel; connectionId: Types.ObjectId; handle?: string };

export interface ChatHooks {
  /**
   * A visitor wrote in a conversation that became a ticket. Called after the visitor's
   * acknowledgement, again for every retry of the same message: it must be idempotent by message id.
   */
  onCustomerMessageOnTicket?: (conv: ConversationDoc, message: MessageDto) => Promise<void>;
  /** A message was stored (once per message: not for a retry that finds the first copy). */
  onMessageStored?: (message: MessageDto) => void;
  /** A new chat began (webhooks). Must not throw. */
  onChatStarted?: (conv: ConversationDoc) => void;
  /** A message went out to the chat's participants, again on a retried send (webhooks dedup by message id). Must not throw. */
  onMessage?: (conv: ConversationDoc, message: MessageDto) => void;
  /** A chat ended (webhooks). Must not throw. */
  onChatEnded?: (conv: ConversationDoc) => void;
}

export function createChatService(deps: {
  conversations: ConversationStore;
  clock: Clock;
  notify: Notifier;
  presence: Presence;
  router: Router;
  claims: Claims;
  hooks: ChatHooks;
  log: Logger;
}) {
  const { conversations, clock, notify, presence, router, claims, hooks, log } = deps;
  const { marks } = conversations;

  // Hints kept by this process: the last seq it stored per conversation (a stale one only costs
  // a retry: the unique seq index refuses it), and when it last wrote a conversation's activity
  // mark (idle chats end within seconds of their time either way). Cleared when large: they are
  // only hints.
  const lastStoredSeq = new Map<string, number>();
  const activityWrittenAt = new Map<string, number>();
  const ACTIVITY_EVERY_MS = 10_000;
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size > 50_000) map.clear();
    map.set(key, value);
  };

  // One lane per conversation in this process: its appends run one after another, so each takes
  // the seq after the one this process stored last, with one insert. Without it, n concurrent
  // messages all try the same seq and n-1 of them retry, again and again: O(n²) round trips.
  // Only another process can still take a seq first (a collision, then a read of the top).
  // A lane holds the guard reads of its queued messages and is dropped when it drains.
  interface Lane {
    tail: Promise<void>;
    /** Guard reads by guard, with the tick each started at. */
    reads: Map<string, { tick: number; conv: Promise<ConversationDoc | null> }>;
  }
  const lanes = new Map<string, Lane>();
  // Orders arrivals and guard reads in this process (the injectable clock may stand still).
  let ticks = 0;

  /**
   * The conversation as `guard` finds it, read after the message arrived: a read that started
   * after it arrived serves it (and every other queued message it arrived before), so a burst in
   * one conversation costs one read, and the ownership and state check is never older than the
   * message it admits.
   */
  function guardedRead(lane: Lane, guard: ConversationGuard, arrived: number): Promise<ConversationDoc | null> {
    const key = JSON.stringify(guard);
    const known = lane.reads.get(key);
    if (known && known.tick > arrived) return known.conv;
    const conv = conversations.findGuarded(guard);
    lane.reads.set(key, { tick: ++ticks, conv });
    conv.catch(() => {
      if (lane.reads.get(key)?.conv === conv) lane.reads.delete(key);
    });
    return conv;
  }

  /** How long a sender waits for its acknowledgement (the widget's timeout): then it retries or gives up. */
  const SENDER_WAITS_MS = 10_000;

  /**
   * Store a message exactly once, as the next seq of its conversation.
   * The seq is the highest stored seq + 1 and the unique (conversationId, seq) index decides
   * between racing writers (other processes; this one queues them in the conversation's lane),
   * so seqs have no gaps and a seq is only ever stored after every lower one: a client that
   * holds 1..n and syncs after n can never miss a message. A retry with the same clientId hits
   * the other unique index and gets the first copy back.
   * `guard` checks ownership and state (e.g. the visitor's own, not ended).
   * `senderWaits`: a client is waiting for the acknowledgement; once it stopped waiting (it
   * retries with the same clientId, or gave up) the message is refused instead of stored late.
   */
  function appendMessage(
    guard: ConversationGuard,
    m: NewMessage,
    opts: { senderWaits?: boolean } = {},
  ): Promise<{ conv: ConversationDoc; message: MessageDto }> {
    const key = String(guard._id);
    const arrived = ++ticks;
    const giveUpAt = opts.senderWaits ? clock.now().getTime() + SENDER_WAITS_MS : Infinity;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), reads: new Map() };
      lanes.set(key, lane);
    }
    const l = lane;
    const result = l.tail.then(() => storeNext(l, guard, m, arrived, giveUpAt));
    const tail = result.then(
      () => {},
      () => {},
    );
    l.tail = tail;
    void tail.then(() => {
      if (l.tail === tail) lanes.delete(key);
    });
    return result;
  }

  /** One message on its lane: one insert, unless another process took the seq. */
  async function storeNext(
    lane: Lane,
    guard: ConversationGuard,
    m: NewMessage,
    arrived: number,
    giveUpAt: number,
  ): Promise<{ conv: ConversationDoc; message: MessageDto }> {
    const conversationId = guard._id;
    const key = String(conversationId);
    for (let attempt = 0; attempt < 50; attempt++) {
      if (clock.now().getTime() > giveUpAt) throw new AppError('unavailable', 'The conversation is too busy; try again');
      const known = lastStoredSeq.get(key);
      const [conv, top] = await Promise.all([guardedRead(lane, guard, arrived), known === undefined ? conversations.topSeq(conversationId) : 0]);
      if (!conv) throw await explainGuardFailure(guard);
      const now = clock.now();
      const seq = (known ?? top) + 1;
      // The idle-chat hint goes to its own document (marks.model.ts), never the conversation's,
      // written alongside the insert: should the insert lose, a hint a step ahead is harmless.
      const markDue = now.getTime() - (activityWrittenAt.get(key) ?? -Infinity) >= ACTIVITY_EVERY_MS;
      if (markDue) remember(activityWrittenAt, key, now.getTime());
      try {
        const [doc] = await Promise.all([
          conversations.insertMessage({ conversationId, seq, createdAt: now, ...m }),
          markDue ? marks.advance(conversationId, 'activity', seq, now) : null,
        ]);
        remember(lastStoredSeq, key, seq);
        const message = toMessageDto(doc);
        hooks.onMessageStored?.(message);
        return { conv, message };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        const first = await conversations.messageByClientId(conversationId, m.clientId);
        if (first) return { conv, message: toMessageDto(first) };
        // Another process took this seq: read the top and try the next one.
        lastStoredSeq.delete(key);
      }
    }
    throw new AppError('unavailable', 'The conversation is too busy; try again');
  }

  async function explainGuardFailure(guard: ConversationGuard): Promise<AppError> {
    const conv = await conversations.find(guard._id);
    if (!conv) return new AppError('not_found', 'Conversation not found');
    if ('visitorId' in guard && conv.visitorId !== guard.visitorId) return new AppError('not_found', 'Conversation not found');
    if (conv.status === 'ended') return new AppError('conflict', 'This conversation has ended; start a new one');
    if ('assignee' in guard) return new AppError('forbidden', 'This chat is not assigned to you');
    return new AppError('conflict', `The conversation is ${conv.status}`);
  }

  function deliver(conv: ConversationDoc, message: MessageDto) {
    notify.visitor(conv.visitorId, 'chat:message', message);
    if (conv.assignee) notify.agent(String(conv.assignee), 'chat:message', message);
    hooks.onMessage?.(conv, message);
  }

  async function postSystemMessage(conv: ConversationDoc, text: string, key: string): Promise<MessageDto> {
    const { conv: after, message } = await appendMessage({ _id: conv._id }, { clientId: `sys_${key}`, author: 'system', text });
    deliver(after, message);
    return message;
  }

  /** The visitor's open conversation, created (and routed) on the first message. */
  async function ensureOpenConversation(
    v: VisitorIdentity,
    input: ChatStartInput,
    origin?: SocialOrigin,
  ): Promise<{ conv: ConversationDoc; created: boolean }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const claim = await conversations.openClaim(v.site, v.visitorId);
      if (claim) {
        const conv = await conversations.find(claim.conversationId);
        if (conv) return { conv, created: false };
        // The claim names a conversation not written yet: its writer is writing it right now, or
        // died in between (a killed process). Either start may write it: the claimed id is the
        // conversation's _id, so only one write succeeds and nobody waits for a dead writer.
        return writeClaimed(v, input, claim.conversationId, origin);
      }
      const id = new Types.ObjectId();
      // A racing start won the claim: use its conversation on the next turn.
      if (!(await conversations.claimOpen(v.site, v.visitorId, id, clock.now()))) continue;
      return writeClaimed(v, input, id, origin);
    }
    throw new AppError('unavailable', 'Could not open a conversation; try again');
  }

  /** Writes the claimed conversation; when a racing start wrote it first, that one is the visitor's. */
  async function writeClaimed(
    v: VisitorIdentity,
    input: ChatStartInput,
    id: Types.ObjectId,
    origin?: SocialOrigin,
  ): Promise<{ conv: ConversationDoc; created: boolean }> {
    const now = clock.now();
    // Writing again after an ended chat opens a new conversation that points to the old one.
    const previous = await conversations.latestIdOf(v.site, v.visitorId);
    try {
      const conv = await conversations.create({
        _id: id,
        ...(previous && !previous.equals(id) ? { previousConversationId: previous } : {}),
        site: v.site,
        visitorId: v.visitorId,
        visitorName: input.name ?? `Visitor ${v.visitorId.slice(0, 4)}`,
        status: 'queued',
        page: input.page,
        ...(input.locale ? { locale: input.locale } : {}),
        firstMessage: input.text,
        waitingSince: now,
        createdAt: now,
        updatedAt: now,
        routing: [{ type: 'queued', at: now }],
        ...(origin ? { channel: origin.channel, connectionId: origin.connectionId, ...(origin.handle ? { handle: origin.handle } : {}) } : {}),
      });
      return { conv, created: true };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const conv = await conversations.find(id);
      if (!conv) throw new AppError('unavailable', 'Could not open a conversation; try again');
      return { conv, created: false };
    }
  }

  async function start(v: VisitorIdentity, input: ChatStartInput) {
    const { conv, created } = await ensureOpenConversation(v, input);
    const { conv: after, message } = await appendMessage(
      { _id: conv._id, visitorId: v.visitorId, site: v.site },
      { clientId: input.clientId, author: 'visitor', authorName: conv.visitorName, text: input.text },
      { senderWaits: true },
    );
    if (created) hooks.onChatStarted?.(after);
    deliver(after, message);
    // Routing runs after the acknowledgement: the visitor's message is safe either way.
    if (created) router.rebalanceSoon();
    return { conversation: toVisitorConversationDto(after), message };
  }

  /**
   * A customer wrote on a social channel (social/). `clientId` derives from the provider's message
   * id, so a repeated delivery stores it once. The message joins the conversation that became a
   * ticket (and the ticket hears of it), or the open one, else a new conversation that is queued
   * and routed like any chat.
   */
  async function socialCustomerWrites(
    v: VisitorIdentity & { name: string },
    origin: SocialOrigin,
    m: { clientId: string; text: string; attachments?: MessageDoc['attachments'] },
  ): Promise<{ conv: ConversationDoc; message: MessageDto }> {
    const latest = await conversations.ofVisitor(v);
    const message = { clientId: m.clientId, author: 'visitor' as const, text: m.text, ...(m.attachments?.length ? { attachments: m.attachments } : {}) };
    if (latest?.status === 'ticket') {
      const { conv, message: stored } = await appendMessage({ _id: latest._id, status: 'ticket' }, { ...message, authorName: latest.visitorName });
      deliver(conv, stored);
      if (hooks.onCustomerMessageOnTicket) {
        const react = hooks.onCustomerMessageOnTicket;
        inOrder(String(conv._id), () =>
          react(conv, stored).catch((err) => log.warn({ err, conversationId: String(conv._id) }, 'recording a message on its ticket failed')),
        );
      }
      return { conv, message: stored };
    }
    const { conv, created } = await ensureOpenConversation(v, { clientId: m.clientId, text: m.text, name: v.name }, origin);
    const { conv: after, message: stored } = await appendMessage({ _id: conv._id, status: { $ne: 'ended' } }, { ...message, authorName: conv.visitorName });
    if (created) hooks.onChatStarted?.(after);
    deliver(after, stored);
    if (created) router.rebalanceSoon();
    return { conv: after, message: stored };
  }

  async function visitorSend(v: VisitorIdentity, input: ChatMessageInput): Promise<MessageDto> {
    const { conv, message } = await appendMessage(
      { _id: new Types.ObjectId(input.conversationId), visitorId: v.visitorId, site: v.site, status: { $ne: 'ended' } },
      { clientId: input.clientId, author: 'visitor', authorName: undefined, text: input.text },
      { senderWaits: true },
    );
    deliver(conv, message);
    // The ticket hears of it after the acknowledgement, and again on a retried send (a
    // duplicate): the message is stored either way, and a retry repairs a reaction that failed.
    if (conv.status === 'ticket' && hooks.onCustomerMessageOnTicket) {
      const react = hooks.onCustomerMessageOnTicket;
      inOrder(String(conv._id), () =>
        react(conv, message).catch((err) => log.warn({ err, conversationId: String(conv._id) }, 'recording a message on its ticket failed')),
      );
    }
    return message;
  }

  // Reactions of one conversation run one after another, so its ticket records the customer's
  // messages in the order they were sent (each only after its acknowledgement).
  const reactionTails = new Map<string, Promise<void>>();
  function inOrder(key: string, run: () => Promise<void>) {
    const tail = (reactionTails.get(key) ?? Promise.resolve()).then(() => new Promise<void>((r) => setImmediate(r))).then(run);
    reactionTails.set(key, tail);
    void tail.finally(() => {
      if (reactionTails.get(key) === tail) reactionTails.delete(key);
    });
  }

  /** `decorate` adds what the chats module does not know (the ticket's status: visitor-history.ts). */
  async function visitorSync(
    v: VisitorIdentity,
    input: ChatSyncInput,
    decorate: (dto: VisitorConversationDto, conv: ConversationDoc) => Promise<VisitorConversationDto> = async (dto) => dto,
  ) {
    const conv = await conversations.ofVisitor(v, input.conversationId);
    if (!conv) {
      if (input.conversationId) throw new AppError('not_found', 'Conversation not found');
      return { conversation: null, messages: [] };
    }
    const [read, messages] = await Promise.all([
      marks.seqOf(conv._id, 'agentRead'),
      messagesAfter(conv._id, input.afterSeq ?? 0),
      input.page && conv.status !== 'ended' ? notePage(conv, input.page) : null,
    ]);
    const conversation = await decorate(toVisitorConversationDto(conv), conv);
    if (read) conversation.agentReadSeq = read;
    return { conversation, messages };
  }

  /** The visitor syncs from a page: when it is another one, remember it and tell their agent. */
  async function notePage(conv: ConversationDoc, page: string): Promise<void> {
    if (page === ((await marks.pageOf(conv._id)) ?? conv.page)) return;
    await marks.setPage(conv._id, page, clock.now());
    if (conv.assignee && conv.status === 'active') notify.agent(String(conv.assignee), 'chat:page', { conversationId: String(conv._id), page });
  }

  async function messagesAfter(conversationId: Types.ObjectId, afterSeq: number): Promise<MessageDto[]> {
    return (await conversations.messagesAfter(conversationId, afterSeq)).map(toMessageDto);
  }

  async function agentSync(input: AgentSyncInput) {
    const conv = await conversations.get(input.conversationId);
    const [seen, messages] = await Promise.all([marks.forAgents([conv._id]), messagesAfter(conv._id, input.afterSeq ?? 0)]);
    return { conversation: toConversationDto(conv, seen.get(String(conv._id))), messages };
  }

  async function agentSend(agent: Agent, input: ChatMessageInput): Promise<MessageDto> {
    const { conv, message } = await appendMessage(
      { _id: new Types.ObjectId(input.conversationId), assignee: agent._id, status: 'active' },
      { clientId: input.clientId, author: 'agent', authorId: String(agent._id), authorName: agent.name, text: input.text },
      { senderWaits: true },
    );
    deliver(conv, message);
    return message;
  }

  async function assigned(conv: ConversationDoc, agent: Agent): Promise<ConversationDto> {
    presence.markAssigned(String(agent._id));
    notify.visitor(conv.visitorId, 'chat:updated', toVisitorConversationDto(conv));
    await postSystemMessage(conv, `${agent.name} joined the chat`, `joined_${crypto.randomUUID()}`);
    const dto = toConversationDto(conv);
    notify.agent(String(agent._id), 'chat:updated', dto);
    // Everyone's lists change too: refreshed after the acknowledgement, not before it.
    router.publishSoon();
    return dto;
  }

  async function assign(agent: Agent, conversationId: string, type: 'accepted' | 'taken' | 'assigned'): Promise<ConversationDto> {
    const conv = await conversations.setActive(new Types.ObjectId(conversationId), agent, type, clock.now());
    return assigned(conv!, agent);
  }

  /** Accept a chat offered to this agent: give the offer back and hold the chat, both exclusively. */
  async function accept(agent: Agent, conversationId: string): Promise<ConversationDto> {
    const conv = await conversations.get(conversationId);
    const me = String(agent._id);
    if (conv.status !== 'offered' || String(conv.offeredTo) !== me) throw await whyNotAvailable(conversationId, 'offered to you');
    // A crash between the release and the take below leaves no holder at all: then carry on.
    if (!(await claims.release(routeKey(conv._id), me)) && (await claims.holder(routeKey(conv._id)))) {
      throw new AppError('conflict', 'This chat is no longer offered to you');
    }
    if (!(await claims.take(routeKey(conv._id), assignedOwner(me)))) throw new AppError('already_taken', 'Another agent already has this chat');
    return assign(agent, conversationId, 'accepted');
  }

  /** Take a queued chat: first come, first served. */
  async function take(agent: Agent, conversationId: string): Promise<ConversationDto> {
    const conv = await conversations.get(conversationId);
    if (conv.status !== 'queued') throw await whyNotAvailable(conversationId, 'in the queue');
    if (!(await claims.take(routeKey(conv._id), assignedOwner(String(agent._id))))) {
      throw new AppError('already_taken', 'Another agent already has this chat');
    }
    return assign(agent, conversationId, 'taken');
  }

  async function whyNotAvailable(conversationId: string, expected: string): Promise<AppError> {
    const conv = await conversations.get(conversationId);
    if (conv.status === 'active' || conv.status === 'offered') return new AppError('already_taken', 'Another agent already has this chat');
    return new AppError('conflict', `This chat is no longer ${expected}`);
  }

  async function decline(agent: Agent, conversationId: string): Promise<void> {
    const ok = await router.withdrawOffer(new Types.ObjectId(conversationId), agent._id, 'declined');
    if (!ok) throw await whyNotAvailable(conversationId, 'offered to you');
    router.publishSoon();
  }

  async function listForAgent(agentId: string) {
    const chats = await conversations.activeOf(new Types.ObjectId(agentId));
    const [pending, seen] = await Promise.all([router.pendingConversations(), marks.forAgents(chats.map((c) => c._id))]);
    return {
      chats: chats.map((c) => toConversationDto(c, seen.get(String(c._id)))),
      requests: router.requestsFor(agentId, pending),
    };
  }

  /** The chat became a ticket: the live session is over, the visitor keeps writing into the ticket. */
  async function markConverted(conv: ConversationDoc, ticket: { id: Types.ObjectId; number: number }) {
    const updated = await conversations.setConverted(conv._id, ticket, clock.now());
    await conversations.releaseOpen(conv);
    await claims.release(routeKey(conv._id));
    if (!updated) return;
    // A ticket made from a chat starts Open.
    notify.visitor(updated.visitorId, 'chat:updated', { ...toVisitorConversationDto(updated), ticketStatus: 'open' });
    if (updated.assignee) notify.agent(String(updated.assignee), 'chat:updated', toConversationDto(updated));
    await postSystemMessage(updated, `Your request is now ticket #${ticket.number}. We'll reply here.`, `ticket_${ticket.number}`);
    router.publishSoon();
  }

  return {
    assign,
    postSystemMessage,
    start,
    socialCustomerWrites,
    visitorSend,
    visitorSync,
    agentSync,
    agentSend,
    accept,
    take,
    decline,
    listForAgent,
    messagesAfter,
    appendMessage,
    deliver,
    markConverted,
  };
}
export type ChatService = ReturnType<typeof createChatService>;
