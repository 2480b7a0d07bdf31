import net from 'node:net';
import { inject, expect, it } from 'vitest';
import { connectDatabase } from '../db/connect.ts';
import { createApp } from '../app.ts';
import { testConfig } from '../config.ts';
import { silentLogger } from '../lib/logger.ts';

/** A TCP proxy in front of the database, so the test can cut the database off. */
async function proxyTo(uri: string) {
  const target = new URL(uri.replace(/^mongodb:/, 'http:'));
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 27017), target.hostname);
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
  const port = (server.address() as net.AddressInfo).port;
  return {
    uri: uri.replace(`${target.hostname}:${target.port}`, `127.0.0.1:${port}`),
    cut: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

it('GET /healthz answers 200 with the database state, and 503 once the database is unreachable', async () => {
  const proxy = await proxyTo(inject('mongoUri'));
  const conn = await connectDatabase(proxy.uri, { dbName: `kamflo_health_${process.pid}` });
  const kamflo = await createApp({ conn, config: testConfig(), log: silentLogger, sweepIntervalMs: false });
  await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(kamflo.httpServer.address() as net.AddressInfo).port}/healthz`;
  try {
    const up = await fetch(url);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ok', database: 'connected' });

    await conn.dropDatabase();
    await proxy.cut();
    const down = await fetch(url);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { status: string }).status).toBe('degraded');
    // And an API call fails cleanly with a 503, not a hang or a crash.
    const api = await fetch(url.replace('/healthz', '/api/helpcenter/requests'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a', email: 'a@b.co', subject: 's', message: 'm' }),
    });
    expect(api.status).toBe(503);
  } finally {
    await kamflo.close(500);
    await conn.close(true).catch(() => {});
  }
}, 30_000);
