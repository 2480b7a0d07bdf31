import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from '../lib/logger.ts';
import type { KamfloServer } from './io.ts';

/**
 * Several server processes behind one address: the Redis adapter carries every room broadcast
 * to the clients of every process, and `peers` lets processes tell each other what they sent.
 * Without Redis (one process) peers is a no-op.
 */
export interface Peers {
  share(event: string, payload: unknown): void;
  on(event: string, handler: (payload: unknown) => void): void;
}

export const noPeers: Peers = { share() {}, on() {} };

export async function attachCluster(io: KamfloServer, opts: { url: string; key: string; log: Logger }) {
  const pub = new Redis(opts.url, { lazyConnect: true });
  const sub = pub.duplicate();
  // ioredis reconnects by itself; an unhandled 'error' event would end the process instead.
  let lastError = '';
  for (const client of [pub, sub]) {
    client.on('error', (err) => {
      lastError = err.message;
      opts.log.warn({ err }, 'redis error');
    });
  }
  // At start, an unreachable Redis is a configuration error: say so instead of retrying forever.
  const connected = Promise.all([pub.connect(), sub.connect()]);
  const timeout = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
    void connected.finally(() => clearTimeout(t)).catch(() => {});
  });
  try {
    await Promise.race([connected, timeout]);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`Cannot reach Redis at REDIS_URL: ${lastError || (err as Error).message}`);
  }
  io.adapter(createAdapter(pub, sub, { key: opts.key, publishOnSpecificResponseChannel: true }));
  const peers: Peers = {
    share: (event, payload) => io.serverSideEmit(`${opts.key}:${event}`, payload),
    on: (event, handler) => io.on(`${opts.key}:${event}`, handler),
  };
  return {
    peers,
    /** For commands (the rate limits' counters): the publishing connection is never in subscriber mode. */
    redis: pub,
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
