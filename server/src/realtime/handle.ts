import type { z } from 'zod';
import type { Ack } from '@kamflo/shared';
import { toErrorBody } from '../lib/errors.ts';
import { parse } from '../lib/validate.ts';
import type { Logger } from '../lib/logger.ts';

/**
 * Wrap a socket event handler: validate the payload with its shared schema, run it, and answer
 * through the acknowledgement. Bad input and failures become error acks, never a crash.
 */
export function handler<S extends z.ZodType, T>(log: Logger, schema: S, run: (input: z.infer<S>) => Promise<T>) {
  return async (...args: unknown[]) => {
    const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (r: Ack<T>) => void) : undefined;
    const payload = ack && args.length === 1 ? undefined : args[0];
    try {
      const data = await run(parse(schema, payload));
      ack?.({ ok: true, data });
    } catch (err) {
      const error = toErrorBody(err);
      if (error.code === 'internal' || error.code === 'unavailable') log.error({ err }, 'socket handler failed');
      ack?.({ ok: false, error });
    }
  };
}

/** For fire-and-forget events (typing, read receipts): validate, run, log failures; no ack. */
export function relay<S extends z.ZodType>(log: Logger, schema: S, run: (input: z.infer<S>) => Promise<void>) {
  return async (payload: unknown) => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return;
    await run(parsed.data).catch((err) => log.debug({ err }, 'relay failed'));
  };
}
