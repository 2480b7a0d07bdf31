import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERY_ROUTE } from '../test/every-route.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('the route registry', () => {
  it('declares every route of HttpApi exactly once, with a summary and a schema for each path parameter', () => {
    const declared = s.kamflo.routes.map((r) => r.key);
    expect([...declared].sort()).toEqual(Object.keys(EVERY_ROUTE).sort());
    for (const r of s.kamflo.routes) {
      expect(`${r.method.toUpperCase()} ${r.path}`).toBe(r.key);
      expect(r.summary, r.key).not.toBe('');
      const names = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      expect(Object.keys(r.params ?? {}), r.key).toEqual(names);
      if (r.permission) expect(r.access, r.key).toBe('agent');
    }
  });

  it('creating an agent is for admins, through the declared route', async () => {
    const admin = await s.createAgent('Ada Admin', 'admin');
    const agent = await s.createAgent('Al Agent');
    const body = { email: 'new@example.com', name: 'New', role: 'agent', password: 'long enough password' };
    expect((await s.api('/api/agents', { body })).status).toBe(401);
    expect((await s.api('/api/agents', { cookie: agent.cookie, body })).body).toEqual({
      error: { code: 'forbidden', message: 'Your role does not allow this' },
      requestId: expect.any(String),
    });
    const created = await s.api('/api/agents', { cookie: admin.cookie, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'new@example.com', name: 'New', role: 'agent' });
    expect((await s.api('/api/agents', { cookie: admin.cookie, body: { ...body, password: 'short' } })).body.error.issues).toEqual([
      { path: 'password', message: 'must be at least 10 characters' },
    ]);
  });
});
