import type { Namespace } from 'socket.io';
import { z } from 'zod';
import { agentSyncInput, can, chatMessageInput, conversationRef } from '@kamflo/shared';
import type { Logger } from '../lib/logger.ts';
import { AppError } from '../lib/errors.ts';
import { handler } from '../realtime/handle.ts';
import { agentRoom, type Notifier } from '../realtime/notify.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { AgentService } from '../agents/agent.service.ts';
import { sessionToken } from '../agents/auth.middleware.ts';
import type { Presence } from '../agents/presence.ts';
import type { TicketService } from '../tickets/ticket.service.ts';
import type { ChatService } from './chat.service.ts';
import type { Router } from './routing.ts';

const empty = z.union([z.strictObject({}), z.undefined()]);

/** The agent namespace: only consoles with a valid session cookie get in. */
export function attachAgentSocket(
  ns: Namespace,
  deps: {
    agents: AgentService;
    chats: ChatService;
    tickets: TicketService;
    presence: Presence;
    router: Router;
    notify: Notifier;
    log: Logger;
  },
) {
  const { chats, presence, router, notify, log } = deps;
  ns.use(async (socket, next) => {
    try {
      const agent = await deps.agents.authenticate(sessionToken(socket.handshake.headers.cookie));
      if (!agent) return next(Object.assign(new Error('unauthorized'), { data: { code: 'unauthorized', message: 'Sign in first' } }));
      socket.data.agent = agent;
      next();
    } catch (err) {
      log.error({ err }, 'agent socket auth failed');
      next(Object.assign(new Error('unavailable'), { data: { code: 'unavailable', message: 'Try again shortly' } }));
    }
  });

  ns.on('connection', (socket) => {
    const agent = socket.data.agent as AgentDoc;
    const agentId = String(agent._id);
    void socket.join(agentRoom(agentId));
    const mayChat = can(agent.role, 'chat.handle');
    const chatOnly = <T>(fn: () => Promise<T>) => {
      if (!mayChat) throw new AppError('forbidden', 'Your role does not handle chats');
      return fn();
    };

    if (mayChat && presence.connect(agentId, socket.id)) {
      notify.allVisitors('agents:availability', { online: true });
      router.rebalance().catch((err) => log.warn({ err }, 'rebalance failed'));
    }
    void deps.tickets.counts().then((c) => socket.emit('dashboard:counts', c)).catch(() => {});

    socket.on('chat:list', handler(log, empty, () => chats.listForAgent(agentId)));
    socket.on('chat:accept', handler(log, conversationRef, (i) => chatOnly(() => chats.accept(agent, i.conversationId))));
    socket.on('chat:decline', handler(log, conversationRef, (i) => chatOnly(async () => (await chats.decline(agent, i.conversationId), null))));
    socket.on('chat:take', handler(log, conversationRef, (i) => chatOnly(() => chats.take(agent, i.conversationId))));
    socket.on('chat:message', handler(log, chatMessageInput, (i) => chatOnly(() => chats.agentSend(agent, i))));
    socket.on('chat:sync', handler(log, agentSyncInput, (i) => chats.agentSync(i)));

    socket.on('disconnect', () => {
      if (!presence.disconnect(agentId, socket.id)) return;
      if (!presence.anyOnline()) notify.allVisitors('agents:availability', { online: false });
      // Offers to an agent who left go straight back to the queue and on to the next agent.
      router.sweep().catch((err) => log.warn({ err }, 'sweep after disconnect failed'));
    });
  });
}
