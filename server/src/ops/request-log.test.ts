import type net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { connectDatabase } from '../db/connect.ts';
import { createApp } from '../app.ts';
import { testConfig } from '../config.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ email: false });
  });
  afterAll(() => s.close());

  it('every answer has an X-Request-Id, generated when the request brings none', async () => {
    const ok = await s.api('/api/widget/status');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toMatch(UUID);
    const other = await s.api('/api/widget/status');
    expect(other.headers.get('x-request-id')).not.toBe(ok.headers.get('x-request-id'));
  });

  it('keeps a sane incoming X-Request-Id and replaces one that is not', async () => {
    const kept = await s.api('/healthz', { headers: { 'x-request-id': 'lb-7f3a.19:abc_DEF@edge' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.19:abc_DEF@edge');
    for (const bad of ['a'.repeat(129), 'has space', '<script>', 'semi;colon', '']) {
      const res = await s.api('/healthz', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id'), bad).toMatch(UUID);
    }
  });

  it('every JSON error body carries the request id as requestId: not found, bad input, unauthorized, a refused cross-origin request', async () => {
    const errors = [
      await s.api('/api/no-such-route', { headers: { 'x-request-id': 'req-404' } }),
      await s.api('/api/helpcenter/requests', { rawBody: '{not json', headers: { 'x-request-id': 'req-400' } }),
      await s.api('/api/tickets', { headers: { 'x-request-id': 'req-401' } }),
      await s.api('/api/auth/sign-in', { body: { email: 'a@b.co', password: 'x' }, headers: { origin: 'https://evil.example', 'x-request-id': 'req-403' } }),
    ];
    expect(errors.map((e) => e.status)).toEqual([404, 400, 401, 403]);
    for (const e of errors) {
      expect(e.body.requestId).toBe(e.headers.get('x-request-id'));
      expect(e.body.error.code).toEqual(expect.any(String));
    }
    expect(errors.map((e) => e.body.requestId)).toEqual(['req-404', 'req-400', 'req-401', 'req-403']);
    // Without an incoming id, the generated one.
    const gen = await s.api('/api/no-such-route');
    expect(gen.body.requestId).toMatch(UUID);
    expect(gen.body.requestId).toBe(gen.headers.get('x-request-id'));
  });
});

it('logs one line per request with its id, method, path and status, never its headers; probes are quiet', async () => {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const conn = await connectDatabase(inject('mongoUri'), { dbName: `kamflo_reqlog_${process.pid}` });
  const kamflo = await createApp({ conn, config: testConfig(), log: pino({ level: 'info' }, stream), sweepIntervalMs: false });
  await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(kamflo.httpServer.address() as net.AddressInfo).port}`;
  try {
    const res = await fetch(`${base}/api/tickets?status=open`, {
      headers: { 'x-request-id': 'trace-me-1', cookie: 'kamflo_session=secret-cookie', authorization: 'Bearer secret-token' },
    });
    expect(res.status).toBe(401);
    await fetch(`${base}/healthz`);
    await fetch(`${base}/readyz`);
    const mine = lines.filter((l) => l.reqId === 'trace-me-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ req: { method: 'GET', url: '/api/tickets?status=open', ip: '127.0.0.1' }, res: { statusCode: 401 } });
    expect(mine[0]!.responseTime).toEqual(expect.any(Number));
    const all = JSON.stringify(lines);
    expect(all).not.toContain('secret-cookie');
    expect(all).not.toContain('secret-token');
    expect(lines.some((l) => /healthz|readyz/.test(l.req?.url ?? ''))).toBe(false);
  } finally {
    await kamflo.close(500);
    await conn.dropDatabase();
    await conn.close();
  }
});
