import net from 'node:net';
import { inject, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectDatabase } from '../db/connect.ts';
import { createApp } from '../app.ts';
import { testConfig, type Config } from '../config.ts';
import { silentLogger } from '../lib/logger.ts';
import { createReadiness } from '../ops/readiness.ts';

/** A TCP proxy in front of a server (the database, Redis), so the test can cut it off. */
async function proxyTo(host: string, port: number) {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

async function start(opts: { uri?: string; dbName: string; config?: Partial<Config> }) {
  const conn = await connectDatabase(opts.uri ?? inject('mongoUri'), { dbName: `${opts.dbName}_${process.pid}` });
  const kamflo = await createApp({ conn, config: testConfig(opts.config), log: silentLogger, sweepIntervalMs: false });
  await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(kamflo.httpServer.address() as net.AddressInfo).port}`;
  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { conn, kamflo, base, get };
}

it('/healthz is liveness: 200 whatever the database does; /readyz is 200 while the database answers, 503 naming it once unreachable', async () => {
  const target = new URL(inject('mongoUri').replace(/^mongodb:/, 'http:'));
  const proxy = await proxyTo(target.hostname, Number(target.port || 27017));
  const s = await start({ uri: inject('mongoUri').replace(target.host, `127.0.0.1:${proxy.port}`), dbName: 'kamflo_health' });
  try {
    expect(await s.get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await s.get('/readyz')).toEqual({ status: 200, body: { status: 'ready', failed: [], database: 'up', draining: false } });

    await s.conn.dropDatabase();
    await proxy.cut();
    // The ping fails (or gets no answer within the probe's timeout): not ready, and it says why.
    expect(await s.get('/readyz')).toEqual({ status: 503, body: { status: 'not_ready', failed: ['database'], database: 'down', draining: false } });
    expect((await s.get('/healthz')).status).toBe(200);
    // And an API call fails cleanly with a 503, not a hang or a crash.
    const api = await fetch(`${s.base}/api/helpcenter/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a', email: 'a@b.co', subject: 's', message: 'm' }),
    });
    expect(api.status).toBe(503);
  } finally {
    await s.kamflo.close(500);
    await s.conn.close(true).catch(() => {});
  }
}, 30_000);

it('/readyz answers 503 at once when the database connection is closed', async () => {
  const s = await start({ dbName: 'kamflo_health_closed' });
  try {
    await s.conn.dropDatabase();
    await s.conn.close();
    expect(await s.get('/readyz')).toEqual({ status: 503, body: { status: 'not_ready', failed: ['database'], database: 'down', draining: false } });
    expect((await s.get('/healthz')).status).toBe(200);
  } finally {
    await s.kamflo.close(500);
  }
});

it('/readyz answers 503 while draining: drain() and close() mark it before anything stops', async () => {
  const s = await start({ dbName: 'kamflo_health_drain' });
  try {
    expect((await s.get('/readyz')).status).toBe(200);
    s.kamflo.readiness.drain();
    expect(await s.get('/readyz')).toEqual({ status: 503, body: { status: 'not_ready', failed: ['draining'], database: 'up', draining: true } });
    const live = await fetch(`${s.base}/healthz`);
    expect(live.status).toBe(200);
    // Keep-alive clients are told to reconnect (elsewhere) for their next request.
    expect(live.headers.get('connection')).toBe('close');
  } finally {
    await s.conn.dropDatabase();
    await s.kamflo.close(500);
    await s.conn.close();
  }

  // close() drains before it stops anything: from its first step, readiness says so.
  const t = await start({ dbName: 'kamflo_health_close' });
  expect(t.kamflo.readiness.draining).toBe(false);
  const closing = t.kamflo.close(500);
  try {
    expect(t.kamflo.readiness.draining).toBe(true);
    expect((await t.kamflo.readiness.check()).failed).toEqual(['draining']);
  } finally {
    await closing;
    await t.conn.dropDatabase();
    await t.conn.close();
  }
});

it.skipIf(!process.env.REDIS_URL)(
  'with REDIS_URL, readiness also pings Redis, and names it when it does not answer',
  async () => {
    const s = await start({ dbName: 'kamflo_health_redis', config: { redisUrl: process.env.REDIS_URL, redisKey: `kamflo-health-${process.pid}` } });
    try {
      expect(await s.get('/readyz')).toEqual({ status: 200, body: { status: 'ready', failed: [], database: 'up', redis: 'up', draining: false } });
    } finally {
      await s.conn.dropDatabase();
      await s.kamflo.close(500);
      await s.conn.close();
    }

    // The probe itself, against a Redis behind a proxy the test cuts.
    const target = new URL(process.env.REDIS_URL!);
    const proxy = await proxyTo(target.hostname, Number(target.port || 6379));
    const redis = new Redis({ host: '127.0.0.1', port: proxy.port, lazyConnect: true, maxRetriesPerRequest: null });
    redis.on('error', () => {});
    const conn = await connectDatabase(inject('mongoUri'), { dbName: `kamflo_health_probe_${process.pid}` });
    try {
      await redis.connect();
      const readiness = createReadiness({ conn, redis, timeoutMs: 500 });
      expect(await readiness.check()).toEqual({ status: 'ready', failed: [], database: 'up', redis: 'up', draining: false });
      await proxy.cut();
      expect(await readiness.check()).toEqual({ status: 'not_ready', failed: ['redis'], database: 'up', redis: 'down', draining: false });
    } finally {
      redis.disconnect();
      await conn.close();
    }
  },
  30_000,
);
