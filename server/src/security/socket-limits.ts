import type { Namespace, Socket } from 'socket.io';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitService } from './rate-limits.ts';

type Pairs = [RateLimiterAbstract, string][];

/**
 * Rate-limit every event on a namespace's sockets. Runs as Socket.IO socket middleware, before
 * any handler: a refused event is answered `rate_limited` (or, without an ack, dropped) and
 * reaches no handler, so it costs no database work. `keys` names what each event is charged
 * to (the visitor, the agent, the address); `extra` adds charges for particular events.
 */
export function limitSocketEvents(
  ns: Namespace,
  limits: RateLimitService,
  keys: (socket: Socket) => Pairs,
  extra: Record<string, (socket: Socket) => Pairs> = {},
) {
  ns.on('connection', (socket) => {
    const base = keys(socket);
    socket.use(([event, ...args], next) => {
      const more = extra[event as string]?.(socket) ?? [];
      // consume() never rejects: a failing store fails open inside it.
      void limits.consume(...base, ...more).then((r) => {
        if (r.ok) return next();
        const ack = args.at(-1);
        if (typeof ack === 'function') {
          const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
          ack({ ok: false, error: { code: 'rate_limited', message: `Too many requests; try again in ${seconds} s` } });
        }
      });
    });
  });
}
