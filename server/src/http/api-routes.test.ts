import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApi } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';

// Listing every route of HttpApi here is checked by the compiler (a key missing or unknown fails
// the typecheck); the test checks that the server declares each of them.
const EVERY_ROUTE: Record<keyof HttpApi, true> = {
  'GET /healthz': true,
  'POST /api/visitors': true,
  'GET /api/widget/status': true,
  'POST /api/helpcenter/requests': true,
  'POST /api/auth/sign-in': true,
  'POST /api/auth/sign-out': true,
  'GET /api/auth/me': true,
  'POST /api/auth/password': true,
  'POST /api/conversations/:id/ticket': true,
  'GET /api/conversations/:id': true,
  'GET /api/tickets': true,
  'GET /api/tickets/:number': true,
  'POST /api/tickets/:number/replies': true,
  'POST /api/tickets/:number/notes': true,
  'POST /api/tickets/:number/resolve': true,
  'GET /api/dashboard': true,
  'POST /api/tickets': true,
  'POST /api/tickets/:number/status': true,
  'POST /api/tickets/:number/assign': true,
  'POST /api/tickets/:number/priority': true,
  'POST /api/tickets/:number/category': true,
  'POST /api/tickets/:number/escalate': true,
  'POST /api/tickets/:number/needs-approval': true,
  'POST /api/tickets/:number/approve': true,
  'GET /api/dashboard/weekly': true,
  'GET /api/settings/sla': true,
  'PUT /api/settings/sla': true,
  'GET /api/settings/alert-rules': true,
  'PUT /api/settings/alert-rules': true,
  'GET /api/notifications': true,
  'POST /api/notifications/:id/read': true,
  'GET /api/agents': true,
  'POST /api/agents': true,
  'GET /api/admin/tickets/:number/verify': true,
  'GET /api/settings/email': true,
  'PUT /api/settings/email': true,
  'POST /api/tickets/:number/deliveries/:id/retry': true,
  'GET /api/admin/sites/:site/secret': true,
  'POST /api/admin/sites/:site/secret': true,
};

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
    });
    const created = await s.api('/api/agents', { cookie: admin.cookie, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'new@example.com', name: 'New', role: 'agent' });
    expect((await s.api('/api/agents', { cookie: admin.cookie, body: { ...body, password: 'short' } })).body.error.issues).toEqual([
      { path: 'password', message: 'must be at least 10 characters' },
    ]);
  });
});
