import { chatMessageInput, chatStartInput, chatSyncInput, conversationRef, historyInput, leaveMessageInput, readInput, typingInput } from '@kamflo/shared';
import type { Logger } from '../lib/logger.ts';
import { handler, relay } from '../realtime/handle.ts';
import { visitorRoom } from '../realtime/notify.ts';
import type { VisitorIdentity, VisitorTokens } from '../visitors/visitor-token.ts';
import type { VisitorNamespace } from '../realtime/io.ts';
import type { Presence } from '../agents/presence.ts';
import type { TicketIntake } from '../tickets/ticket-intake.ts';
import type { ChatService } from './chat.service.ts';
import type { ChatControl } from './chat-control.ts';
import type { VisitorHistory } from './visitor-history.ts';

/** The visitor namespace: a signed visitor token is required, and it scopes everything. */
export function attachVisitorSocket(
  ns: VisitorNamespace,
  deps: {
    tokens: VisitorTokens;
    chats: ChatService;
    control: ChatControl;
    intake: TicketIntake;
    history: VisitorHistory;
    presence: Presence;
    log: Logger;
  },
) {
  const { chats, control, intake, history, log } = deps;
  ns.use(async (socket, next) => {
    try {
      const identity = await deps.tokens.verify(socket.handshake.auth?.token);
      if (!identity) return next(Object.assign(new Error('unauthorized'), { data: { code: 'unauthorized', message: 'A valid visitor token is required' } }));
      socket.data.visitor = identity;
      next();
    } catch (err) {
      log.error({ err }, 'visitor socket auth failed');
      next(Object.assign(new Error('unavailable'), { data: { code: 'unavailable', message: 'Try again shortly' } }));
    }
  });

  ns.on('connection', (socket) => {
    // The identity, without the token's expiry (token-renewal.ts moves that on).
    const v: VisitorIdentity = { visitorId: socket.data.visitor.visitorId, site: socket.data.visitor.site };
    void socket.join(visitorRoom(v.visitorId));
    socket.emit('agents:availability', { online: deps.presence.anyAvailable() });

    socket.on(
      'chat:start',
      handler(log, chatStartInput, (input) => chats.start(v, input)),
    );
    socket.on(
      'chat:message',
      handler(log, chatMessageInput, (input) => chats.visitorSend(v, input)),
    );
    socket.on(
      'chat:sync',
      handler(log, chatSyncInput, (input) => chats.visitorSync(v, input, history.withTicketStatus)),
    );
    socket.on(
      'chat:leave-message',
      handler(log, leaveMessageInput, (input) => intake.leaveMessage(v, input)),
    );
    socket.on(
      'chat:end',
      handler(log, conversationRef, (input) => control.endByVisitor(v, input.conversationId)),
    );
    socket.on(
      'chat:history',
      handler(log, historyInput, () => history.list(v)),
    );
    socket.on(
      'chat:typing',
      relay(log, typingInput, (input) => control.typing({ visitor: v }, input.conversationId, input.typing)),
    );
    socket.on(
      'chat:read',
      relay(log, readInput, (input) => control.read({ visitor: v }, input.conversationId, input.seq)),
    );
  });
}
