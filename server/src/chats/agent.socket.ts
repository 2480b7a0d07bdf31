import { z } from 'zod';
import {
  agentStatusInput,
  agentSyncInput,
  assignChatInput,
  can,
  chatMessageInput,
  conversationRef,
  readInput,
  transferInput,
  typingInput,
} from '@kamflo/shared';
import type { Logger } from '../lib/logger.ts';
import { AppError } from '../lib/errors.ts';
import { handler, relay } from '../realtime/handle.ts';
import { agentRoom, LEADS_ROOM, type Notifier } from '../realtime/notify.ts';
import { DEFAULT_CAPACITY } from '../agents/agent.model.ts';
import type { AgentNamespace } from '../realtime/io.ts';
import type { AgentService } from '../agents/agent.service.ts';
import { sessionRoom } from '../agents/session-revocation.ts';
import type { Presence } from '../agents/presence.ts';
import type { TicketCounts } from '../tickets/ticket-counts.ts';
import type { ChatService } from './chat.service.ts';
import type { ChatControl } from './chat-control.ts';
import type { Router } from './routing.ts';

const empty = z.union([z.strictObject({}), z.undefined()]);

/** The agent namespace: only consoles with a valid session cookie get in. */
export function attachAgentSocket(
  ns: AgentNamespace,
  deps: {
    agents: AgentService;
    chats: ChatService;
    control: ChatControl;
    ticketCounts: TicketCounts;
    presence: Presence;
    router: Router;
    notify: Notifier;
    log: Logger;
  },
) {
  const { chats, control, presence, router, log } = deps;
  ns.use(async (socket, next) => {
    try {
      const session = await deps.agents.fromCookie(socket.handshake.headers.cookie);
      if (!session) return next(Object.assign(new Error('unauthorized'), { data: { code: 'unauthorized', message: 'Sign in first' } }));
      socket.data.agent = session.agent;
      // Sign-out and revocation disconnect the session's room (agents/session-revocation.ts).
      socket.data.sessionId = session.sessionId;
      next();
    } catch (err) {
      log.error({ err }, 'agent socket auth failed');
      next(Object.assign(new Error('unavailable'), { data: { code: 'unavailable', message: 'Try again shortly' } }));
    }
  });

  ns.on('connection', (socket) => {
    const agent = socket.data.agent;
    const agentId = String(agent._id);
    void socket.join([agentRoom(agentId), sessionRoom(socket.data.sessionId)]);
    if (can(agent.role, 'ticket.reassign')) void socket.join(LEADS_ROOM);
    const mayChat = can(agent.role, 'chat.handle');
    const chatOnly = <T>(fn: () => Promise<T>) => {
      if (!mayChat) throw new AppError('forbidden', 'Your role does not handle chats');
      return fn();
    };

    if (mayChat) {
      presence
        .connect({ id: agentId, name: agent.name, role: agent.role, capacity: agent.capacity ?? DEFAULT_CAPACITY }, socket.id)
        .then((cameOnline) => (cameOnline ? router.rebalance() : undefined))
        .catch((err) => log.warn({ err }, 'agent came online, rebalance failed'));
    }
    void deps.ticketCounts
      .counts()
      .then((c) => socket.emit('dashboard:counts', c))
      .catch(() => {});

    socket.on(
      'chat:list',
      handler(log, empty, () => chats.listForAgent(agentId)),
    );
    socket.on(
      'chat:accept',
      handler(log, conversationRef, (i) => chatOnly(() => chats.accept(agent, i.conversationId))),
    );
    socket.on(
      'chat:decline',
      handler(log, conversationRef, (i) =>
        chatOnly(async () => {
          await chats.decline(agent, i.conversationId);
          return null;
        }),
      ),
    );
    socket.on(
      'chat:take',
      handler(log, conversationRef, (i) => chatOnly(() => chats.take(agent, i.conversationId))),
    );
    socket.on(
      'chat:message',
      handler(log, chatMessageInput, (i) => chatOnly(() => chats.agentSend(agent, i))),
    );
    socket.on(
      'chat:sync',
      handler(log, agentSyncInput, (i) => chats.agentSync(i)),
    );
    socket.on(
      'chat:end',
      handler(log, conversationRef, (i) => control.endByAgent(agent, i.conversationId)),
    );
    socket.on(
      'chat:transfer',
      handler(log, transferInput, (i) => chatOnly(() => control.transfer(agent, i))),
    );
    socket.on(
      'chat:assign',
      handler(log, assignChatInput, (i) => control.assignQueued(agent, i.conversationId, i.agentId)),
    );
    socket.on(
      'chat:typing',
      relay(log, typingInput, (i) => control.typing({ agent }, i.conversationId, i.typing)),
    );
    socket.on(
      'chat:read',
      relay(log, readInput, (i) => control.read({ agent }, i.conversationId, i.seq)),
    );
    socket.on(
      'agent:status',
      handler(log, agentStatusInput, async ({ status }) => {
        if (!(await presence.setStatus(agentId, status))) throw new AppError('forbidden', 'Your role does not handle chats');
        await router.rebalance();
        const me = (await router.presenceList()).find((p) => p.id === agentId);
        return me!;
      }),
    );
    socket.on(
      'presence:list',
      handler(log, empty, async () => {
        // Everyone may list colleagues (to pick one for a transfer); only leads get it live.
        return router.presenceList();
      }),
    );

    socket.on('disconnect', () => {
      if (mayChat) presence.disconnect(agentId, socket.id);
    });
  });
}
