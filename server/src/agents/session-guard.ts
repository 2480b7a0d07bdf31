import type { AgentNamespace } from '../realtime/io.ts';
import type { Clock } from '../lib/clock.ts';
import type { AgentService } from './agent.service.ts';

/**
 * Sign-out and revocation disconnect a session's consoles at once (session-revocation.ts). As a
 * second line, should that message be lost (a process restarting as it was sent) or the
 * session simply expire, an open console re-checks its session with its first event after
 * `everyMs`: a closed session's event is refused `unauthorized` and the socket is closed.
 */
export function guardAgentSessions(ns: AgentNamespace, deps: { agents: AgentService; clock: Clock; everyMs: number }) {
  ns.on('connection', (socket) => {
    let checkedAt = deps.clock.now().getTime();
    socket.use(([, ...args], next) => {
      const now = deps.clock.now().getTime();
      if (now - checkedAt < deps.everyMs) return next();
      checkedAt = now;
      deps.agents.sessionOpen(socket.data.sessionId).then(
        (open) => {
          if (open) return next();
          const ack = args.at(-1);
          if (typeof ack === 'function') ack({ ok: false, error: { code: 'unauthorized', message: 'Your session has ended; sign in again' } });
          socket.disconnect(true);
        },
        () => next(), // the database is down: the handler will say so itself
      );
    });
  });
}
