import type { z } from 'zod';
import type { AckFn } from '@kamflo/shared';
import { toErrorBody } from '../lib/errors.ts';
import { parse } from '../lib/validate.ts';
import type { Logger } from '../lib/logger.ts';

/**
 * Wrap a socket event handler: validate the payload with its shared schema, run it, and answer
 * through the acknowledgement. Bad input and failures become error acks, never a crash.
 * Typed as the namespace's `Received` map wants it, so an ack of the wrong type fails to compile;
 * at run time it takes any arguments (a client may send no input, or no acknowledgement).
 */
export function handler<S extends z.ZodType, T>(log: Logger, schema: S, run: (input: z.infer<S>) => Promise<T>): (input: unknown, ack: AckFn<T>) => void {
  return (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as AckFn<T>) : undefined;
    const payload = ack && args.length === 1 ? undefined : args[0];
    void (async () => {
      try {
        const data = await run(parse(schema, payload));
        ack?.({ ok: true, data });
      } catch (err) {
        const error = toErrorBody(err);
        if (error.code === 'internal' || error.code === 'unavailable') log.error({ err }, 'socket handler failed');
        ack?.({ ok: false, error });
      }
    })();
  };
}

/** For fire-and-forget events (typing, read receipts): validate, run, log failures; no ack. */
export function relay<S extends z.ZodType>(log: Logger, schema: S, run: (input: z.infer<S>) => Promise<void>): (input: unknown) => void {
  return (payload) => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return;
    void run(parsed.data).catch((err) => log.debug({ err }, 'relay failed'));
  };
}
