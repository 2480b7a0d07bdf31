import type { Namespace, Socket } from 'socket.io';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitService } from './rate-limits.ts';

type Pairs = [RateLimiterAbstract, string][];

/** A socket that goes on sending this many events in a row after being refused is ignoring us: it is disconnected. */
export const DISCONNECT_AFTER_REFUSALS = 20;

/**
 * Rate-limit every event on a namespace's sockets. Runs as Socket.IO socket middleware, before
 * any handler: a refused event is answered `rate_limited` (or, without an ack, dropped) and
 * reaches no handler, so it costs no database work. `keys` names what each event is charged
 * to (the visitor, the agent, the address); `extra` adds charges for particular events;
 * `handshake`, if given, charges each connection too, so reconnecting is no way around it.
 * A well-behaved client stops at the first refusal (the widget marks the message failed and
 * offers Retry); one that carries on is disconnected, and must pay a handshake to come back.
 */
export function limitSocketEvents(
  ns: Namespace,
  limits: RateLimitService,
  opts: {
    keys: (socket: Socket) => Pairs;
    extra?: Record<string, (socket: Socket) => Pairs>;
    /**
     * Each connection is charged to `charge`, and refused while any of `refuseWhileOver` is over
     * its limit: a client disconnected for flooding cannot come straight back and flood again.
     */
    handshake?: { charge: (socket: Socket) => Pairs; refuseWhileOver?: (socket: Socket) => Pairs };
  },
) {
  const refuse = (code: 'rate_limited', retryAfterMs: number) => {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return { code, message: `Too many requests; try again in ${seconds} s` };
  };

  if (opts.handshake) {
    const { charge, refuseWhileOver } = opts.handshake;
    ns.use((socket, next) => {
      const check = async () => {
        const blocked = refuseWhileOver ? await limits.over(...refuseWhileOver(socket)) : ({ ok: true } as const);
        return blocked.ok ? limits.consume(...charge(socket)) : blocked;
      };
      void check().then((r) => {
        if (r.ok) return next();
        next(Object.assign(new Error('rate_limited'), { data: refuse('rate_limited', r.retryAfterMs) }));
      });
    });
  }

  ns.on('connection', (socket) => {
    const base = opts.keys(socket);
    let refusedInARow = 0;
    socket.use(([event, ...args], next) => {
      const more = opts.extra?.[event as string]?.(socket) ?? [];
      // consume() never rejects: a failing store fails open inside it.
      void limits.consume(...base, ...more).then((r) => {
        if (r.ok) {
          refusedInARow = 0;
          return next();
        }
        const ack = args.at(-1);
        if (typeof ack === 'function') ack({ ok: false, error: refuse('rate_limited', r.retryAfterMs) });
        if (++refusedInARow >= DISCONNECT_AFTER_REFUSALS) socket.disconnect(true);
      });
    });
  });
}
