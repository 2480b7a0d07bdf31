import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { can, type ConversationDto, type TransferInput, type VisitorConversationDto } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Claims } from '../db/claims.ts';
import type { Notifier } from '../realtime/notify.ts';
import type { Presence } from '../agents/presence.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { VisitorIdentity } from '../visitors/visitor-token.ts';
import { toConversationDto, toVisitorConversationDto, type ConversationDoc } from './conversation.model.ts';
import type { ConversationStore } from './conversation-store.ts';
import { assignedOwner, routeKey, type Router } from './routing.ts';
import type { ChatHooks, ChatService } from './chat.service.ts';

type Agent = Pick<AgentDoc, '_id' | 'name' | 'role'>;

/** Ending, transferring and assigning live chats; typing and read receipts; idle chats. */
export function createChatControl(deps: {
  conversations: ConversationStore;
  clock: Clock;
  chats: ChatService;
  router: Router;
  claims: Claims;
  presence: Presence;
  notify: Notifier;
  agents: AgentService;
  idleChatMs: number;
  log: Logger;
  hooks?: ChatHooks;
}) {
  const { conversations, clock, chats, router, claims, presence, notify, log } = deps;
  const { marks } = conversations;

  async function finish(conv: ConversationDoc, text: string, agentId?: Types.ObjectId) {
    await claims.release(routeKey(conv._id));
    await conversations.releaseOpen(conv);
    const ended = await conversations.setEnded(conv._id, clock.now(), agentId);
    await chats.postSystemMessage(ended!, text, `ended_${conv._id}`);
    notify.visitor(ended!.visitorId, 'chat:updated', toVisitorConversationDto(ended!));
    if (ended!.assignee) notify.agent(String(ended!.assignee), 'chat:updated', toConversationDto(ended!));
    router.publishSoon();
    deps.hooks?.onChatEnded?.(ended!);
    return ended!;
  }

  const live = (c: ConversationDoc) => c.status === 'queued' || c.status === 'offered' || c.status === 'active';

  async function endByVisitor(v: VisitorIdentity, conversationId: string): Promise<VisitorConversationDto> {
    const conv = await conversations.get(conversationId);
    if (conv.visitorId !== v.visitorId || conv.site !== v.site) throw new AppError('not_found', 'Conversation not found');
    if (!live(conv)) throw new AppError('conflict', `The conversation is already ${conv.status}`);
    return toVisitorConversationDto(await finish(conv, 'The visitor ended the chat'));
  }

  async function endByAgent(agent: Agent, conversationId: string): Promise<ConversationDto> {
    const conv = await conversations.get(conversationId);
    if (conv.status !== 'active') throw new AppError('conflict', `The chat is ${conv.status}`);
    if (String(conv.assignee) !== String(agent._id) && !can(agent.role, 'ticket.reassign')) {
      throw new AppError('forbidden', 'This chat is not assigned to you');
    }
    return toConversationDto(await finish(conv, `${agent.name} ended the chat`, agent._id));
  }

  /** Hand a live chat to a colleague (offered to them, they accept or decline) or back to the queue. */
  async function transfer(agent: Agent, input: TransferInput): Promise<ConversationDto> {
    const conv = await conversations.get(input.conversationId);
    const me = String(agent._id);
    if (conv.status !== 'active' || String(conv.assignee) !== me) throw new AppError('forbidden', 'Only the agent in this chat can transfer it');
    if (input.toAgentId === me) throw new AppError('bad_request', 'Choose another agent');
    if (input.toAgentId) await presence.refresh();
    if (input.toAgentId && !presence.isOnline(input.toAgentId)) throw new AppError('conflict', 'That agent is not online');
    if (!(await claims.release(routeKey(conv._id), assignedOwner(me)))) throw new AppError('conflict', 'This chat changed; reload it');
    const now = clock.now();
    const note = { by: agent.name, text: input.note, at: now };
    const to = input.toAgentId ? new Types.ObjectId(input.toAgentId) : null;
    const offered = to ? await claims.take(routeKey(conv._id), input.toAgentId!) : false;
    const updated = await conversations.setTransferred(conv._id, {
      from: agent,
      to: offered ? to : null,
      note,
      offerExpiresAt: offered ? new Date(now.getTime() + 60_000) : null,
    });
    await chats.postSystemMessage(updated!, 'You are being transferred to another agent', `transfer_${crypto.randomUUID()}`);
    notify.visitor(updated!.visitorId, 'chat:updated', toVisitorConversationDto(updated!));
    const dto = toConversationDto(updated!);
    notify.agent(me, 'chat:updated', dto);
    router.rebalanceSoon();
    return dto;
  }

  /** A team lead gives a waiting chat to an agent. */
  async function assignQueued(lead: Agent, conversationId: string, agentId: string): Promise<ConversationDto> {
    if (!can(lead.role, 'ticket.reassign')) throw new AppError('forbidden', 'Only team leads and above assign chats');
    const target = await deps.agents.getAgent(agentId);
    if (!target) throw new AppError('not_found', 'Agent not found');
    const conv = await conversations.get(conversationId);
    if (conv.status === 'offered' && conv.offeredTo) await claims.release(routeKey(conv._id), String(conv.offeredTo));
    else if (conv.status !== 'queued') throw new AppError('conflict', `The chat is ${conv.status}`);
    if (!(await claims.take(routeKey(conv._id), assignedOwner(agentId)))) throw new AppError('already_taken', 'Another agent already has this chat');
    return chats.assign(target, conversationId, 'assigned');
  }

  /** Typing indicators go straight through: nothing is stored. */
  async function typing(from: { visitor: VisitorIdentity } | { agent: Agent }, conversationId: string, isTyping: boolean) {
    const conv = await conversations.find(conversationId, { visitorId: 1, site: 1, assignee: 1, assigneeName: 1 });
    if (!conv) return;
    if ('visitor' in from) {
      if (conv.visitorId !== from.visitor.visitorId || !conv.assignee) return;
      notify.agent(String(conv.assignee), 'chat:typing', { conversationId, typing: isTyping });
    } else if (String(conv.assignee) === String(from.agent._id)) {
      notify.visitor(conv.visitorId, 'chat:typing', { conversationId, typing: isTyping, name: from.agent.name });
    }
  }

  /** Read receipts: remembered as marks (marks.model.ts), never on the conversation, and told to the other side. */
  async function read(from: { visitor: VisitorIdentity } | { agent: Agent }, conversationId: string, seq: number) {
    const [conv, top] = await Promise.all([
      conversations.find(conversationId, { visitorId: 1, assignee: 1 }),
      conversations.topSeq(new Types.ObjectId(conversationId)),
    ]);
    if (!conv) throw new AppError('not_found', 'Conversation not found');
    const upTo = Math.min(seq, top);
    const now = clock.now();
    if ('visitor' in from) {
      if (conv.visitorId !== from.visitor.visitorId) throw new AppError('not_found', 'Conversation not found');
      await marks.advance(conv._id, 'visitorRead', upTo, now);
      if (conv.assignee) notify.agent(String(conv.assignee), 'chat:read', { conversationId, seq: upTo });
    } else {
      if (String(conv.assignee) !== String(from.agent._id)) return;
      await marks.advance(conv._id, 'agentRead', upTo, now);
      notify.visitor(conv.visitorId, 'chat:read', { conversationId, seq: upTo });
    }
  }

  /** Chats with no message for a while end by themselves; the visitor can write again later. */
  async function endIdleChats(): Promise<number> {
    const before = new Date(clock.now().getTime() - deps.idleChatMs);
    const quiet = await marks.quietSince(before, 200);
    if (quiet.length === 0) return 0;
    // By _id, one each: FerretDB 1.x serves those from PostgreSQL, not by decoding every conversation.
    const convs = (await Promise.all(quiet.map((id) => conversations.find(id)))).filter((c) => c !== null);
    // Only live chats can go idle. The others need no more checking: their next message (a
    // join notice when a waiting chat is accepted) writes a fresh mark.
    await marks.forget(convs.filter((c) => c.status !== 'active').map((c) => c._id));
    const idle = convs.filter((c) => c.status === 'active');
    for (const c of idle) {
      try {
        await finish(c, 'This chat ended after a period of inactivity. Write again any time.');
      } catch (err) {
        log.warn({ err, conversationId: String(c._id) }, 'ending idle chat failed');
      }
    }
    return idle.length;
  }

  return { endByVisitor, endByAgent, transfer, assignQueued, typing, read, endIdleChats };
}
export type ChatControl = ReturnType<typeof createChatControl>;
